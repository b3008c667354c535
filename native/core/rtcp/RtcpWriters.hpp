#pragma once

#include "../common/ByteReader.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wg::rtcp {

// Writers for the RTCP packets a receiver and a sender emit. Each writes one packet at `out`
// and returns its size, or 0 (having written nothing) when it does not fit in `capacity` or
// the arguments cannot be encoded. Packets are concatenated by the caller into a compound.

constexpr size_t kReportBlockSize = 24;
constexpr size_t kMaxReportBlocks = 31;  // the 5-bit RC field

// One reception report block (RFC 3550 section 6.4.1).
struct ReportBlock {
  uint32_t ssrc = 0;
  uint8_t fractionLost = 0;
  int32_t cumulativeLost = 0;  // written as 24-bit signed, clamped to [-0x800000, 0x7FFFFF]
  uint32_t extendedHighestSequence = 0;
  uint32_t jitter = 0;                     // RTP timestamp units
  uint32_t lastSenderReport = 0;           // middle 32 bits of the last SR's NTP timestamp
  uint32_t delaySinceLastSenderReport = 0;  // 1/65536 s
};

// The sender information of an SR (RFC 3550 section 6.4.1).
struct SenderInfo {
  uint64_t ntpTimestamp = 0;  // 32.32 fixed point seconds since 1900
  uint32_t rtpTimestamp = 0;
  uint32_t packetCount = 0;
  uint32_t octetCount = 0;
};

// RFC 3550 section 6.4.1; count <= 31.
size_t writeSenderReport(uint8_t* out, size_t capacity, uint32_t ssrc, const SenderInfo& info,
                         const ReportBlock* blocks, size_t count);
// RFC 3550 section 6.4.2; count <= 31 (0 is an empty RR, the minimal compound's first packet).
size_t writeReceiverReport(uint8_t* out, size_t capacity, uint32_t ssrc, const ReportBlock* blocks, size_t count);
// RFC 3550 section 6.5.1: one chunk with one CNAME item; the name is at most 255 bytes.
size_t writeSourceDescriptionCname(uint8_t* out, size_t capacity, uint32_t ssrc, std::string_view cname);
// RFC 4585 section 6.2.1. `sequences` ascend in the modulo-2^16 sense (a wrap is fine); each
// FCI entry names a PID and the 16 following numbers in its BLP. Duplicates are skipped.
// count must be > 0: a NACK without FCI is not valid.
size_t writeGenericNack(uint8_t* out, size_t capacity, uint32_t senderSsrc, uint32_t mediaSsrc,
                        const uint16_t* sequences, size_t count);
// draft-alvestrand-rmcat-remb-03 section 2.2: the bitrate as an 18-bit mantissa and a 6-bit
// exponent, rounded down; count <= 255.
size_t writeRemb(uint8_t* out, size_t capacity, uint32_t senderSsrc, uint64_t bitrateBps, const uint32_t* ssrcs,
                 size_t count);

// Parses one 24-byte report block; false if `size` is too small.
bool readReportBlock(const uint8_t* data, size_t size, ReportBlock& out);

// Calls f(uint16_t seq) for every sequence number a generic NACK FCI list names: each
// 4-byte entry's PID, then PID+i+1 for every bit i set in its BLP (RFC 4585 section 6.2.1).
template <class F>
void forEachNackedSequence(const uint8_t* fci, size_t size, F&& f) {
  for (size_t i = 0; i + 4 <= size; i += 4) {
    uint16_t pid = readU16(fci + i);
    uint16_t blp = readU16(fci + i + 2);
    f(pid);
    for (unsigned bit = 0; bit < 16; ++bit)
      if (blp & (1u << bit)) f(static_cast<uint16_t>(pid + bit + 1));
  }
}

// NTP time (RFC 3550 section 4): 64-bit fixed point, seconds since 1900-01-01.
constexpr int64_t kNtpUnixEpochOffsetSeconds = 2208988800LL;

// The "compact" NTP form used by LSR: the middle 32 bits (16.16 seconds).
constexpr uint32_t ntpMiddle32(uint64_t ntp) { return static_cast<uint32_t>(ntp >> 16); }

// A Unix time in microseconds as an NTP timestamp (for an SR's sender info).
uint64_t ntpFromUnixMicros(int64_t unixUs);

// Microseconds to 1/65536 s units (DLSR), rounded; negative gives 0, too large saturates.
uint32_t microsToQ16(int64_t us);
// 1/65536 s units to microseconds, rounded.
constexpr int64_t q16ToMicros(uint32_t units) { return (static_cast<int64_t>(units) * 1000000 + 32768) >> 16; }

// RFC 3550 section 6.4.1: the round trip seen by a sender when a report block arrives at
// `arrivalMiddle32` (its own clock, compact NTP): A - LSR - DLSR, in microseconds. Returns -1
// when the block has no LSR (no SR seen yet) or the result would be negative.
int64_t roundTripMicros(uint32_t arrivalMiddle32, uint32_t lastSenderReport, uint32_t delaySinceLastSenderReport);

}  // namespace wg::rtcp
