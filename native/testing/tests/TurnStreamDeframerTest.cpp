// TurnStreamDeframer: TURN over TCP/TLS framing (RFC 8656 section 12.5, RFC 8489 section 5).
#include "../../core/turn/TurnStreamDeframer.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

using wg::turn::TurnStreamDeframer;

namespace {

using Bytes = std::vector<uint8_t>;

// A STUN message: a 20-byte header whose length field counts `bodyLength` bytes after it.
Bytes stunFrame(uint16_t bodyLength, uint8_t fill) {
  Bytes b(20 + bodyLength, fill);
  b[0] = 0x00;
  b[1] = 0x01;  // Binding request
  b[2] = static_cast<uint8_t>(bodyLength >> 8);
  b[3] = static_cast<uint8_t>(bodyLength);
  b[4] = 0x21, b[5] = 0x12, b[6] = 0xA4, b[7] = 0x42;
  return b;
}

// ChannelData as sent on a stream: header, payload, zero padding to a multiple of 4.
Bytes channelFrame(uint16_t channel, uint16_t payloadLength, uint8_t fill) {
  Bytes b((4 + payloadLength + 3) & ~3, 0);
  b[0] = static_cast<uint8_t>(channel >> 8);
  b[1] = static_cast<uint8_t>(channel);
  b[2] = static_cast<uint8_t>(payloadLength >> 8);
  b[3] = static_cast<uint8_t>(payloadLength);
  std::fill(b.begin() + 4, b.begin() + 4 + payloadLength, fill);
  return b;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Pushes `stream` in chunks of `chunk` bytes; the frames handed out, in order.
std::vector<Bytes> deframe(TurnStreamDeframer& d, Bytes stream, size_t chunk, bool* ok = nullptr) {
  std::vector<Bytes> frames;
  bool good = true;
  for (size_t at = 0; at < stream.size() && good; at += chunk) {
    size_t n = std::min(chunk, stream.size() - at);
    good = d.push(stream.data() + at, n, [&](uint8_t* data, size_t size) { frames.emplace_back(data, data + size); });
  }
  if (ok) *ok = good;
  return frames;
}

}  // namespace

TEST_SUITE("TurnStreamDeframer") {
  TEST_CASE("ChannelData frames include their padding; STUN frames their header") {
    CHECK(TurnStreamDeframer::frameSize(channelFrame(0x4000, 5, 1).data()) == 12);
    CHECK(TurnStreamDeframer::frameSize(channelFrame(0x4FFF, 8, 1).data()) == 12);
    CHECK(TurnStreamDeframer::frameSize(channelFrame(0x4001, 0, 1).data()) == 4);
    CHECK(TurnStreamDeframer::frameSize(stunFrame(8, 0).data()) == 28);
  }

  TEST_CASE("the same frames come out whatever the read sizes") {
    const Bytes a = stunFrame(12, 0xAA), b = channelFrame(0x4001, 5, 0xBB), c = channelFrame(0x4002, 1, 0xCC),
                d = stunFrame(0, 0xDD);
    const Bytes stream = concat({a, b, c, d});
    for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{7}, size_t{13}, stream.size()}) {
      TurnStreamDeframer deframer;
      bool ok = false;
      auto frames = deframe(deframer, stream, chunk, &ok);
      CAPTURE(chunk);
      CHECK(ok);
      REQUIRE(frames.size() == 4);
      CHECK(frames[0] == a);
      CHECK(frames[1] == b);
      CHECK(frames[2] == c);
      CHECK(frames[3] == d);
      CHECK(deframer.frames() == 4);
      CHECK(deframer.buffered() == 0);
    }
  }

  TEST_CASE("a partial frame waits in the buffer until its last byte") {
    TurnStreamDeframer deframer;
    Bytes frame = channelFrame(0x4000, 9, 0x11);  // 16 bytes with padding
    auto first = deframe(deframer, Bytes(frame.begin(), frame.begin() + 13), 13);
    CHECK(first.empty());
    CHECK(deframer.buffered() == 13);
    auto rest = deframe(deframer, Bytes(frame.begin() + 13, frame.end()), 3);
    REQUIRE(rest.size() == 1);
    CHECK(rest[0] == frame);
    CHECK(deframer.buffered() == 0);
  }

  TEST_CASE("the largest STUN frame is assembled across reads") {
    TurnStreamDeframer deframer;
    Bytes frame = stunFrame(0xFFFC, 0x5A);
    auto frames = deframe(deframer, frame, 4096);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].size() == 20 + 0xFFFC);
    CHECK(frames[0] == frame);
  }

  TEST_CASE("bytes that start no frame end the stream for good") {
    SUBCASE("first bits 10") {
      TurnStreamDeframer deframer;
      bool ok = true;
      deframe(deframer, Bytes{0x80, 0x00, 0x00, 0x00}, 4, &ok);
      CHECK_FALSE(ok);
      CHECK(deframer.failed());
      Bytes more = stunFrame(0, 0);
      CHECK_FALSE(deframer.push(more.data(), more.size(), [](uint8_t*, size_t) {}));
    }
    SUBCASE("a STUN length that is not a multiple of 4") {
      TurnStreamDeframer deframer;
      bool ok = true;
      deframe(deframer, stunFrame(6, 0), 2, &ok);
      CHECK_FALSE(ok);
      CHECK(deframer.failed());
    }
    SUBCASE("a channel number outside 0x4000-0x4FFF, after a good frame split across reads") {
      TurnStreamDeframer deframer;
      bool ok = true;
      auto frames = deframe(deframer, concat({channelFrame(0x4000, 2, 1), channelFrame(0x5000, 2, 1)}), 3, &ok);
      CHECK(frames.size() == 1);
      CHECK_FALSE(ok);
      CHECK(deframer.failed());
    }
  }
}
