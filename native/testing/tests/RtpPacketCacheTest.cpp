// RtpPacketCache: the ring NACKs are answered from (RFC 4585 section 6.2.1).
#include "../../core/rtp/RtpPacketCache.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

using wg::rtp::RtpPacketCache;

namespace {

std::vector<uint8_t> packetFor(uint16_t sequence, size_t size) {
  std::vector<uint8_t> p(size);
  for (size_t i = 0; i < size; ++i) p[i] = static_cast<uint8_t>(sequence * 7 + i);
  return p;
}

bool holds(const RtpPacketCache& cache, uint16_t sequence, const std::vector<uint8_t>& packet) {
  const RtpPacketCache::Entry* e = cache.find(sequence);
  return e && e->size == packet.size() && std::memcmp(e->data, packet.data(), packet.size()) == 0;
}

}  // namespace

TEST_SUITE("RtpPacketCache") {
  TEST_CASE("keeps a packet's bytes and the time it was sent") {
    RtpPacketCache cache(8, 100);
    auto p = packetFor(42, 60);
    cache.store(42, p.data(), p.size(), 123456);
    CHECK(holds(cache, 42, p));
    CHECK(cache.find(42)->storedUs == 123456);
    CHECK(cache.find(43) == nullptr);
    CHECK(cache.find(42 + 8) == nullptr);  // same slot, another sequence number
  }

  TEST_CASE("finds packets across the 16-bit sequence wraparound") {
    RtpPacketCache cache(8, 100);
    const uint16_t sequences[] = {65533, 65534, 65535, 0, 1, 2};
    for (uint16_t s : sequences) {
      auto p = packetFor(s, 20 + s % 5);
      cache.store(s, p.data(), p.size(), s);
    }
    for (uint16_t s : sequences) CHECK(holds(cache, s, packetFor(s, 20 + s % 5)));
  }

  TEST_CASE("holds at most `slots` packets: the oldest are overwritten") {
    RtpPacketCache cache(8, 100);
    REQUIRE(cache.capacity() == 8);
    for (uint16_t s = 0; s < 20; ++s) {
      auto p = packetFor(s, 30);
      cache.store(s, p.data(), p.size(), s);
    }
    for (uint16_t s = 0; s < 12; ++s) CHECK_MESSAGE(cache.find(s) == nullptr, "sequence " << s);
    for (uint16_t s = 12; s < 20; ++s) CHECK(holds(cache, s, packetFor(s, 30)));
  }

  TEST_CASE("a packet too large for a slot is not kept and evicts the slot's older packet") {
    RtpPacketCache cache(8, 100);
    auto small = packetFor(3, 100);
    cache.store(3, small.data(), small.size(), 0);
    REQUIRE(holds(cache, 3, small));
    auto big = packetFor(11, 101);
    cache.store(11, big.data(), big.size(), 1);
    CHECK(cache.find(11) == nullptr);
    CHECK(cache.find(3) == nullptr);
  }
}
