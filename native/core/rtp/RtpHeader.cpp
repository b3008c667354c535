#include "RtpHeader.hpp"

#include "../common/ByteReader.hpp"

namespace wg::rtp {

std::optional<RtpHeader> RtpHeader::parse(const uint8_t* data, size_t size, bool checkPadding) {
  if (size < kFixedSize || (data[0] >> 6) != 2) return std::nullopt;
  RtpHeader h;
  h.padding = (data[0] & 0x20) != 0;
  h.extension = (data[0] & 0x10) != 0;
  h.csrcCount = data[0] & 0x0F;
  h.marker = (data[1] & 0x80) != 0;
  h.payloadType = data[1] & 0x7F;
  h.sequenceNumber = readU16(data + 2);
  h.timestamp = readU32(data + 4);
  h.ssrc = readU32(data + 8);
  size_t offset = kFixedSize + 4u * h.csrcCount;
  if (offset > size) return std::nullopt;
  if (h.extension) {
    if (size - offset < 4) return std::nullopt;
    h.extensionProfile = readU16(data + offset);
    h.extensionLength = 4u * readU16(data + offset + 2);
    h.extensionOffset = offset + 4;
    if (h.extensionLength > size - h.extensionOffset) return std::nullopt;
    offset = h.extensionOffset + h.extensionLength;
  }
  h.headerLength = offset;
  if (checkPadding && !h.readPadding(data, size)) return std::nullopt;
  return h;
}

bool RtpHeader::readPadding(const uint8_t* data, size_t size) {
  paddingLength = 0;
  if (!padding) return true;
  if (size <= headerLength) return false;
  paddingLength = data[size - 1];
  return paddingLength != 0 && paddingLength <= size - headerLength;
}

void setSequenceNumber(uint8_t* packet, uint16_t seq) { writeU16(packet + 2, seq); }
void setTimestamp(uint8_t* packet, uint32_t ts) { writeU32(packet + 4, ts); }
void setSsrc(uint8_t* packet, uint32_t ssrc) { writeU32(packet + 8, ssrc); }
void setPayloadType(uint8_t* packet, uint8_t pt) { packet[1] = static_cast<uint8_t>((packet[1] & 0x80) | (pt & 0x7F)); }

}  // namespace wg::rtp
