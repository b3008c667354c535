#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace wg::rtp {

// The fixed RTP header and what follows it (RFC 3550 section 5.1, RFC 8285 for extensions),
// parsed in place with every length checked against the packet.
struct RtpHeader {
  bool padding = false;
  bool extension = false;
  uint8_t csrcCount = 0;
  bool marker = false;
  uint8_t payloadType = 0;
  uint16_t sequenceNumber = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  uint16_t extensionProfile = 0;
  size_t extensionOffset = 0;  // where the extension's data starts (after its 4-byte header)
  size_t extensionLength = 0;  // bytes of extension data
  size_t headerLength = 0;     // fixed header + CSRCs + extension: where the payload starts
  size_t paddingLength = 0;    // trailing padding bytes counted by the last byte

  static constexpr size_t kFixedSize = 12;

  // nullopt unless the packet is RTP version 2 with consistent lengths. Padding is only
  // checked when `checkPadding` (it is encrypted inside SRTP, so it is checked after decryption).
  static std::optional<RtpHeader> parse(const uint8_t* data, size_t size, bool checkPadding = true);
  // For a header parsed without `checkPadding`: reads the padding count from the packet's last
  // byte (RFC 3550 section 5.1) once it is decrypted; false when it does not fit the packet.
  bool readPadding(const uint8_t* data, size_t size);
  size_t payloadLength(size_t packetSize) const { return packetSize - headerLength - paddingLength; }
};

void setSequenceNumber(uint8_t* packet, uint16_t seq);
void setTimestamp(uint8_t* packet, uint32_t ts);
void setSsrc(uint8_t* packet, uint32_t ssrc);
void setPayloadType(uint8_t* packet, uint8_t pt);

}  // namespace wg::rtp
