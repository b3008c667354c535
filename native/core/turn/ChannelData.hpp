#pragma once

#include "../common/ByteReader.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace wg::turn {

// ChannelData messages (RFC 8656 section 12.4): a 4-byte header (channel number, payload
// length) in front of the application data; the channel's peer is implied by the number.
constexpr size_t kChannelDataHeaderSize = 4;
// RFC 8656 section 12: numbers 0x4000 through 0x4FFF may be bound to peers.
constexpr uint16_t kFirstChannel = 0x4000;
constexpr uint16_t kLastChannel = 0x4FFF;

constexpr bool isBindableChannel(uint16_t channel) { return channel >= kFirstChannel && channel <= kLastChannel; }
// RFC 7983 section 7 / RFC 8656 section 12: a first byte of 64..79 starts ChannelData.
constexpr bool looksLikeChannelData(uint8_t firstByte) { return firstByte >= 64 && firstByte <= 79; }

// Writes the header for `length` payload bytes into out[0..3]; the payload follows it.
inline void writeChannelDataHeader(uint8_t* out, uint16_t channel, uint16_t length) {
  writeU16(out, channel);
  writeU16(out + 2, length);
}

// On a stream (TCP/TLS) each ChannelData message is padded to a multiple of 4 (RFC 8656
// section 12.5); over UDP no padding is sent.
constexpr size_t channelDataFrameSize(size_t payloadLength, bool stream) {
  size_t size = kChannelDataHeaderSize + payloadLength;
  return stream ? (size + 3) & ~size_t{3} : size;
}

struct ChannelDataView {
  uint16_t channel = 0;
  uint8_t* payload = nullptr;
  size_t length = 0;
};

// Parses one ChannelData message. A datagram may carry padding after the payload (RFC 8656
// section 12.5 lets a sender pad over UDP too); the length field must fit in it.
inline std::optional<ChannelDataView> parseChannelData(uint8_t* data, size_t size) {
  if (size < kChannelDataHeaderSize) return std::nullopt;
  uint16_t channel = readU16(data);
  uint16_t length = readU16(data + 2);
  if (!isBindableChannel(channel) || length > size - kChannelDataHeaderSize) return std::nullopt;
  return ChannelDataView{channel, data + kChannelDataHeaderSize, length};
}

}  // namespace wg::turn
