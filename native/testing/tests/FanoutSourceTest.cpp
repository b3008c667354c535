// FanoutSource: one parse of each user datagram and one packet cache for every connection a port feeds.
#include "../../core/media/FanoutSource.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

using wg::media::FanoutSource;

namespace {

// RFC 3550 section 5.1: version 2, no CSRC, no extension.
std::vector<uint8_t> rtp(uint16_t sequence, uint32_t ssrc, size_t payload) {
  std::vector<uint8_t> p(12 + payload, 0xab);
  p[0] = 0x80;
  p[1] = 96;
  p[2] = static_cast<uint8_t>(sequence >> 8);
  p[3] = static_cast<uint8_t>(sequence);
  for (int i = 0; i < 4; ++i) p[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  return p;
}

}  // namespace

TEST_SUITE("FanoutSource") {
  TEST_CASE("hands out the RTP header it parsed") {
    FanoutSource source;
    auto p = rtp(4321, 0x01020304, 20);
    const wg::rtp::RtpHeader* h = source.ingest(p.data(), p.size(), 0);
    REQUIRE(h != nullptr);
    CHECK(h->sequenceNumber == 4321);
    CHECK(h->ssrc == 0x01020304u);
    CHECK(h->payloadType == 96);
    CHECK(h->payloadLength(p.size()) == 20);
  }

  TEST_CASE("has no header for RTCP on the port (rtcp-mux) nor for what is not RTP") {
    FanoutSource source;
    auto rtcp = rtp(0, 0, 4);
    rtcp[1] = 200;  // an SR's packet type where RTP has marker and payload type (RFC 5761 section 4)
    CHECK(source.ingest(rtcp.data(), rtcp.size(), 0) == nullptr);
    uint8_t junk[5] = {1, 2, 3, 4, 5};
    CHECK(source.ingest(junk, sizeof junk, 0) == nullptr);
  }

  TEST_CASE("keeps packets for NACKs only once asked, as they arrived") {
    FanoutSource source;
    auto first = rtp(10, 1, 8);
    source.ingest(first.data(), first.size(), 100);
    CHECK(source.recentPackets() == nullptr);
    source.keepRecentPackets();
    source.keepRecentPackets();  // a second connection asking changes nothing
    auto second = rtp(11, 1, 8);
    second.back() = 0x5a;
    source.ingest(second.data(), second.size(), 200);
    REQUIRE(source.recentPackets() != nullptr);
    CHECK(source.recentPackets()->find(10) == nullptr);
    const auto* kept = source.recentPackets()->find(11);
    REQUIRE(kept != nullptr);
    CHECK(kept->storedUs == 200);
    CHECK(kept->size == second.size());
    CHECK(std::memcmp(kept->data, second.data(), second.size()) == 0);
  }

  TEST_CASE("one keyframe request gate for all the connections") {
    FanoutSource source;
    CHECK(source.keyframeRequests().admit(0));
    CHECK_FALSE(source.keyframeRequests().admit(1000));
    CHECK(source.keyframeRequests().forwarded() == 1);
    CHECK(source.keyframeRequests().coalesced() == 1);
  }
}
