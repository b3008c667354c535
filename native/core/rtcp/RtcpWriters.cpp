#include "RtcpWriters.hpp"

#include "../common/ByteReader.hpp"
#include "RtcpCompound.hpp"

#include <cstring>

namespace wg::rtcp {

namespace {

// The common header (RFC 3550 section 6.4.1): V=2, P=0, a 5-bit count, PT, and the length in
// 32-bit words minus one. `size` is a multiple of 4.
void writeHeader(uint8_t* out, uint8_t count, uint8_t packetType, size_t size) {
  out[0] = static_cast<uint8_t>(0x80 | (count & 0x1F));
  out[1] = packetType;
  writeU16(out + 2, static_cast<uint16_t>(size / 4 - 1));
}

void writeReportBlock(uint8_t* out, const ReportBlock& b) {
  // RFC 3550 appendix A.3: clamp rather than wrap the 24-bit signed field.
  int32_t lost = b.cumulativeLost;
  if (lost > 0x7FFFFF) lost = 0x7FFFFF;
  if (lost < -0x800000) lost = -0x800000;
  writeU32(out, b.ssrc);
  writeU32(out + 4, (uint32_t{b.fractionLost} << 24) | (static_cast<uint32_t>(lost) & 0xFFFFFF));
  writeU32(out + 8, b.extendedHighestSequence);
  writeU32(out + 12, b.jitter);
  writeU32(out + 16, b.lastSenderReport);
  writeU32(out + 20, b.delaySinceLastSenderReport);
}

}  // namespace

size_t writeSenderReport(uint8_t* out, size_t capacity, uint32_t ssrc, const SenderInfo& info,
                         const ReportBlock* blocks, size_t count) {
  if (count > kMaxReportBlocks) return 0;
  size_t size = 28 + count * kReportBlockSize;
  if (size > capacity) return 0;
  writeHeader(out, static_cast<uint8_t>(count), type::SenderReport, size);
  writeU32(out + 4, ssrc);
  writeU32(out + 8, static_cast<uint32_t>(info.ntpTimestamp >> 32));
  writeU32(out + 12, static_cast<uint32_t>(info.ntpTimestamp));
  writeU32(out + 16, info.rtpTimestamp);
  writeU32(out + 20, info.packetCount);
  writeU32(out + 24, info.octetCount);
  for (size_t i = 0; i < count; ++i) writeReportBlock(out + 28 + i * kReportBlockSize, blocks[i]);
  return size;
}

size_t writeReceiverReport(uint8_t* out, size_t capacity, uint32_t ssrc, const ReportBlock* blocks, size_t count) {
  if (count > kMaxReportBlocks) return 0;
  size_t size = 8 + count * kReportBlockSize;
  if (size > capacity) return 0;
  writeHeader(out, static_cast<uint8_t>(count), type::ReceiverReport, size);
  writeU32(out + 4, ssrc);
  for (size_t i = 0; i < count; ++i) writeReportBlock(out + 8 + i * kReportBlockSize, blocks[i]);
  return size;
}

size_t writeSourceDescriptionCname(uint8_t* out, size_t capacity, uint32_t ssrc, std::string_view cname) {
  if (cname.size() > 255) return 0;
  // RFC 3550 section 6.5: SSRC, item (type 1, length, text), then at least one null octet
  // ending the item list, with the chunk padded by nulls to a 32-bit boundary.
  size_t chunk = 4 + 2 + cname.size() + 1;
  chunk = (chunk + 3) & ~size_t{3};
  size_t size = 4 + chunk;
  if (size > capacity) return 0;
  writeHeader(out, 1, type::SourceDescription, size);
  writeU32(out + 4, ssrc);
  out[8] = 1;  // CNAME
  out[9] = static_cast<uint8_t>(cname.size());
  std::memcpy(out + 10, cname.data(), cname.size());
  std::memset(out + 10 + cname.size(), 0, size - 10 - cname.size());
  return size;
}

size_t writeGenericNack(uint8_t* out, size_t capacity, uint32_t senderSsrc, uint32_t mediaSsrc,
                        const uint16_t* sequences, size_t count) {
  if (count == 0 || capacity < 16) return 0;
  size_t size = 12;
  uint8_t* entry = nullptr;
  uint16_t pid = 0;
  uint16_t blp = 0;
  for (size_t i = 0; i < count; ++i) {
    uint16_t distance = static_cast<uint16_t>(sequences[i] - pid);
    if (entry && distance == 0) continue;
    if (entry && distance <= 16) {
      blp = static_cast<uint16_t>(blp | (1u << (distance - 1)));
      writeU16(entry + 2, blp);
      continue;
    }
    // A new FCI entry: PID, then the bitmask of the 16 numbers after it.
    if (capacity - size < 4) return 0;
    entry = out + size;
    pid = sequences[i];
    blp = 0;
    writeU16(entry, pid);
    writeU16(entry + 2, 0);
    size += 4;
  }
  if (size / 4 - 1 > 0xFFFF) return 0;
  out[0] = 0x80 | fmt::Nack;
  out[1] = type::TransportFeedback;
  writeU16(out + 2, static_cast<uint16_t>(size / 4 - 1));
  writeU32(out + 4, senderSsrc);
  writeU32(out + 8, mediaSsrc);
  return size;
}

size_t writeRemb(uint8_t* out, size_t capacity, uint32_t senderSsrc, uint64_t bitrateBps, const uint32_t* ssrcs,
                 size_t count) {
  if (count > 255) return 0;
  size_t size = 20 + 4 * count;
  if (size > capacity) return 0;
  // The smallest exponent whose mantissa fits 18 bits keeps the most precision.
  uint32_t exponent = 0;
  while ((bitrateBps >> exponent) >= (1u << 18)) ++exponent;  // at most 46 for 64-bit input
  uint32_t mantissa = static_cast<uint32_t>(bitrateBps >> exponent);
  out[0] = 0x80 | fmt::Remb;
  out[1] = type::PayloadFeedback;
  writeU16(out + 2, static_cast<uint16_t>(size / 4 - 1));
  writeU32(out + 4, senderSsrc);
  writeU32(out + 8, 0);  // media source: unused, always 0
  std::memcpy(out + 12, "REMB", 4);
  writeU32(out + 16, (static_cast<uint32_t>(count) << 24) | (exponent << 18) | mantissa);
  for (size_t i = 0; i < count; ++i) writeU32(out + 20 + 4 * i, ssrcs[i]);
  return size;
}

bool readReportBlock(const uint8_t* data, size_t size, ReportBlock& out) {
  if (size < kReportBlockSize) return false;
  out.ssrc = readU32(data);
  out.fractionLost = data[4];
  uint32_t lost = readU32(data + 4) & 0xFFFFFF;
  // Sign-extend the 24-bit field.
  out.cumulativeLost = (lost & 0x800000) ? static_cast<int32_t>(lost) - 0x1000000 : static_cast<int32_t>(lost);
  out.extendedHighestSequence = readU32(data + 8);
  out.jitter = readU32(data + 12);
  out.lastSenderReport = readU32(data + 16);
  out.delaySinceLastSenderReport = readU32(data + 20);
  return true;
}

uint64_t ntpFromUnixMicros(int64_t unixUs) {
  int64_t seconds = unixUs / 1000000;
  int64_t micros = unixUs % 1000000;
  if (micros < 0) {
    micros += 1000000;
    seconds -= 1;
  }
  uint64_t fraction = (static_cast<uint64_t>(micros) << 32) / 1000000;
  return (static_cast<uint64_t>(seconds + kNtpUnixEpochOffsetSeconds) << 32) | fraction;
}

uint32_t microsToQ16(int64_t us) {
  if (us <= 0) return 0;
  constexpr int64_t kMax = (int64_t{0xFFFFFFFF} * 1000000) >> 16;  // avoids overflowing below
  if (us >= kMax) return 0xFFFFFFFF;
  return static_cast<uint32_t>(((us << 16) + 500000) / 1000000);
}

int64_t roundTripMicros(uint32_t arrivalMiddle32, uint32_t lastSenderReport, uint32_t delaySinceLastSenderReport) {
  if (lastSenderReport == 0) return -1;
  // Modulo 2^32 arithmetic: the compact NTP clock wraps every 18 hours.
  uint32_t rtt = arrivalMiddle32 - lastSenderReport - delaySinceLastSenderReport;
  if (rtt & 0x80000000u) return -1;
  return q16ToMicros(rtt);
}

}  // namespace wg::rtcp
