// libFuzzer harness: PeerJsCodec (native/core/datachannel) on hostile input. The first byte picks the
// serialization; the rest is a sequence of [u16 length+flags][bytes] messages, each decoded as
// received (reassembly state carries over), then encoded as a datagram and the messages decoded by a
// second codec, which must give the datagram back (or, under JSON, the close object).
#include "../core/datachannel/PeerJsCodec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

using namespace wg::datachannel;

namespace {

// Reads every byte of a result so that ASan sees a span past its buffer.
uint8_t touch(const uint8_t* data, size_t size) {
  uint8_t sum = 0;
  for (size_t k = 0; k < size; ++k) sum ^= data[k];
  return sum;
}

void roundTrip(PeerJsCodec& encoder, PeerJsCodec& decoder, const uint8_t* datagram, size_t size) {
  static std::vector<MessageSpan> spans;
  auto refused = encoder.encode(datagram, size, spans);
  if (refused) {
    Serialization s = encoder.serialization();
    if (s == Serialization::None || s == Serialization::Binary) __builtin_trap();  // they take any bytes
    if (!spans.empty()) __builtin_trap();
    return;
  }
  if (spans.empty()) __builtin_trap();
  // The spans are overwritten by the next encode(): keep copies while decoding.
  static std::vector<std::vector<uint8_t>> copies;
  copies.clear();
  for (const auto& m : spans) copies.emplace_back(m.data, m.data + m.size);
  for (size_t k = 0; k < copies.size(); ++k) {
    DecodedMessage m = decoder.decode(true, copies[k].data(), copies[k].size());
    bool last = k + 1 == copies.size();
    if (!last) {
      if (m.kind != DecodedMessage::Kind::Partial) __builtin_trap();
      continue;
    }
    if (m.kind == DecodedMessage::Kind::Close && encoder.serialization() == Serialization::Json) return;
    if (size > kMaxDatagramBytes) return;
    if (m.kind != DecodedMessage::Kind::Datagram || m.size != size) __builtin_trap();
    if (size > 0 && std::memcmp(m.data, datagram, size) != 0) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static constexpr Serialization kAll[] = {Serialization::None, Serialization::Json, Serialization::Binary,
                                           Serialization::BinaryUtf8};
  Serialization serialization = kAll[data[0] & 3];
  PeerJsCodec received(serialization), encoder(serialization), decoder(serialization);
  std::vector<uint8_t> grown;
  size_t pos = 1;
  volatile uint8_t sink = 0;
  while (pos + 2 <= size) {
    uint16_t header = static_cast<uint16_t>((data[pos] << 8) | data[pos + 1]);
    pos += 2;
    bool binary = (header & 0x8000) == 0;
    size_t length = header & 0x1fff;
    if (length > size - pos) length = size - pos;
    const uint8_t* message = data + pos;
    pos += length;

    DecodedMessage m = received.decode(binary, message, length);
    switch (m.kind) {
      case DecodedMessage::Kind::Datagram:
        if (m.size > kMaxDatagramBytes) __builtin_trap();
        sink = sink ^ touch(m.data, m.size);
        break;
      case DecodedMessage::Kind::ToJs:
        if (serialization != Serialization::Binary && serialization != Serialization::BinaryUtf8) __builtin_trap();
        sink = sink ^ touch(m.data, m.size);
        break;
      default:
        break;
    }
    if (m.evicted > 1) __builtin_trap();

    if (header & 0x4000) {
      // Repeated up to chunk sizes: the path above 16300 packed bytes.
      grown.clear();
      size_t target = 16290 + (length * 131) % 50000;
      while (length > 0 && grown.size() < target) grown.insert(grown.end(), message, message + length);
      roundTrip(encoder, decoder, grown.data(), grown.size());
    } else {
      roundTrip(encoder, decoder, message, length);
    }
  }
  return 0;
}
