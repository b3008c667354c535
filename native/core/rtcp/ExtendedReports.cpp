#include "ExtendedReports.hpp"

#include "../common/ByteReader.hpp"

namespace wg::rtcp {

namespace {
constexpr uint8_t kBlockReceiverReferenceTime = 4;
constexpr uint8_t kBlockDlrr = 5;
}  // namespace

size_t writeReceiverReferenceTime(uint8_t* out, size_t capacity, uint32_t senderSsrc, uint64_t ntpTimestamp) {
  if (capacity < kReceiverReferenceTimeSize) return 0;
  out[0] = 0x80;
  out[1] = kExtendedReportType;
  writeU16(out + 2, kReceiverReferenceTimeSize / 4 - 1);
  writeU32(out + 4, senderSsrc);
  out[8] = kBlockReceiverReferenceTime;
  out[9] = 0;
  writeU16(out + 10, 2);  // block length in 32-bit words after the block header
  writeU32(out + 12, static_cast<uint32_t>(ntpTimestamp >> 32));
  writeU32(out + 16, static_cast<uint32_t>(ntpTimestamp));
  return kReceiverReferenceTimeSize;
}

std::optional<DlrrEntry> findDlrr(const uint8_t* packet, size_t size, uint32_t ssrc) {
  // Header (4) and sender SSRC (4), then report blocks: BT, type-specific, length in words.
  size_t offset = 8;
  while (offset + 4 <= size) {
    uint8_t blockType = packet[offset];
    size_t length = 4u * readU16(packet + offset + 2);
    size_t end = offset + 4 + length;
    if (end > size) return std::nullopt;
    if (blockType == kBlockDlrr) {
      for (size_t at = offset + 4; at + 12 <= end; at += 12) {
        if (readU32(packet + at) == ssrc) return DlrrEntry{readU32(packet + at + 4), readU32(packet + at + 8)};
      }
    }
    offset = end;
  }
  return std::nullopt;
}

}  // namespace wg::rtcp
