#include "TransportWideFeedback.hpp"

#include "../common/ByteReader.hpp"
#include "RtcpCompound.hpp"

#include <algorithm>
#include <cstring>

namespace wg::rtcp {

namespace {
// Packet status symbols (section 3.1.1).
constexpr uint8_t kSymbolNotReceived = 0;
constexpr uint8_t kSymbolSmallDelta = 1;
constexpr uint8_t kSymbolLargeDelta = 2;  // or negative

constexpr int64_t kReferenceUnitUs = 64000;  // reference time: multiples of 64 ms
constexpr int64_t kDeltaUnitUs = 250;        // receive deltas: multiples of 250 us
constexpr size_t kFixedSize = 20;            // header, SSRCs, base/count, reference/fb count
constexpr size_t kMaxRunLength = 8191;       // 13 bits

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b < 0) ? q - 1 : q;
}
}  // namespace

void TransportWideFeedback::onPacket(uint16_t transportSequence, int64_t arrivalUs) {
  if (!started_) {
    started_ = true;
    base_ = end_ = transportSequence;
  }
  // Unwrap against the highest number recorded so far.
  int64_t last = end_ - 1;
  int64_t ext = last + static_cast<int16_t>(static_cast<uint16_t>(transportSequence - static_cast<uint16_t>(last)));
  if (ext < base_) {
    ++late_;
    return;
  }
  if (ext < end_) {
    int64_t& s = slot(ext);
    if (s != kNoArrival) ++duplicates_;
    else s = arrivalUs;
    return;
  }
  if (ext - base_ >= static_cast<int64_t>(kMaxPending)) {
    // Keep the newest window; a jump past a whole window starts afresh at this packet.
    int64_t newBase = ext - static_cast<int64_t>(kMaxPending) + 1;
    if (newBase >= end_) newBase = ext;
    dropped_ += static_cast<uint64_t>(std::min(newBase, end_) - base_);
    base_ = newBase;
    end_ = std::max(end_, base_);
  }
  for (int64_t s = end_; s < ext; ++s) slot(s) = kNoArrival;
  slot(ext) = arrivalUs;
  end_ = ext + 1;
}

size_t TransportWideFeedback::writeChunks(uint8_t* out, size_t n) const {
  size_t pos = 0;
  size_t i = 0;
  while (i < n) {
    size_t run = 1;
    while (i + run < n && symbols_[i + run] == symbols_[i] && run < kMaxRunLength) ++run;
    if (run >= 14 || i + run == n) {
      // Run length chunk (section 3.1.3): 0, symbol (2 bits), run length (13 bits).
      writeU16(out + pos, static_cast<uint16_t>((symbols_[i] << 13) | run));
      i += run;
    } else {
      // Status vector chunk (section 3.1.4): 1, symbol size, then 14 one-bit or 7 two-bit
      // symbols. Past the packet status count, trailing symbols are zero and ignored.
      size_t take = std::min<size_t>(14, n - i);
      bool oneBit = std::all_of(symbols_.begin() + i, symbols_.begin() + i + take,
                                [](uint8_t s) { return s <= kSymbolSmallDelta; });
      uint16_t chunk;
      if (oneBit) {
        chunk = 0x8000;
        for (size_t k = 0; k < take; ++k) chunk = static_cast<uint16_t>(chunk | (symbols_[i + k] << (13 - k)));
      } else {
        take = std::min<size_t>(7, n - i);
        chunk = 0xC000;
        for (size_t k = 0; k < take; ++k) chunk = static_cast<uint16_t>(chunk | (symbols_[i + k] << (2 * (6 - k))));
      }
      writeU16(out + pos, chunk);
      i += take;
    }
    pos += 2;
  }
  return pos;
}

size_t TransportWideFeedback::writeFeedback(uint8_t* out, size_t capacity, uint32_t senderSsrc, uint32_t mediaSsrc) {
  if (!hasPending() || capacity < kFixedSize + 4) return 0;
  size_t span = static_cast<size_t>(end_ - base_);
  size_t firstReceived = 0;
  while (firstReceived < span && arrivals_[static_cast<size_t>(base_ + firstReceived) % kMaxPending] ==
                                     kNoArrival)
    ++firstReceived;
  if (firstReceived == span) return 0;  // cannot happen: the highest number was received

  // The first received packet's delta is relative to the reference time; each later one to
  // the previous received packet's time as the sender will reconstruct it, so rounding to
  // 250 us never accumulates.
  int64_t firstArrival = arrivals_[static_cast<size_t>(base_ + firstReceived) % kMaxPending];
  int64_t reference = floorDiv(firstArrival, kReferenceUnitUs);
  int64_t current = reference * kReferenceUnitUs;

  size_t n = 0;
  size_t deltaBytes = 0;
  for (size_t i = 0; i < span; ++i) {
    int64_t arrival = arrivals_[static_cast<size_t>(base_ + i) % kMaxPending];
    uint8_t symbol = kSymbolNotReceived;
    size_t bytes = 0;
    int64_t delta = 0;
    if (arrival != kNoArrival) {
      delta = floorDiv(arrival - current + kDeltaUnitUs / 2, kDeltaUnitUs);
      if (delta >= 0 && delta <= 255) {
        symbol = kSymbolSmallDelta;
        bytes = 1;
      } else if (delta >= INT16_MIN && delta <= INT16_MAX) {
        symbol = kSymbolLargeDelta;
        bytes = 2;
      } else {
        break;  // ends this feedback; the next one gets a new reference time
      }
    }
    // Chunks never exceed one per 7 numbers, so this bound on the size is safe.
    size_t bound = kFixedSize + 2 * ((i + 1 + 6) / 7) + deltaBytes + bytes;
    if (((bound + 3) & ~size_t{3}) > capacity) break;
    symbols_[i] = symbol;
    deltas_[i] = static_cast<int32_t>(delta);
    deltaBytes += bytes;
    if (symbol != kSymbolNotReceived) current += delta * kDeltaUnitUs;
    n = i + 1;
  }
  if (n <= firstReceived) return 0;

  size_t pos = kFixedSize;
  pos += writeChunks(out + pos, n);
  for (size_t i = 0; i < n; ++i) {
    if (symbols_[i] == kSymbolSmallDelta) out[pos++] = static_cast<uint8_t>(deltas_[i]);
    else if (symbols_[i] == kSymbolLargeDelta) {
      writeU16(out + pos, static_cast<uint16_t>(static_cast<int16_t>(deltas_[i])));
      pos += 2;
    }
  }
  while (pos % 4 != 0) out[pos++] = 0;  // zero padding to a 32-bit boundary (section 3.1)

  out[0] = 0x80 | fmt::TransportCc;  // V=2, P=0
  out[1] = type::TransportFeedback;
  writeU16(out + 2, static_cast<uint16_t>(pos / 4 - 1));
  writeU32(out + 4, senderSsrc);
  writeU32(out + 8, mediaSsrc);
  writeU16(out + 12, static_cast<uint16_t>(base_));
  writeU16(out + 14, static_cast<uint16_t>(n));
  writeU32(out + 16, (static_cast<uint32_t>(reference) << 8) | static_cast<uint8_t>(feedbackPackets_));
  ++feedbackPackets_;
  base_ += static_cast<int64_t>(n);
  return pos;
}

}  // namespace wg::rtcp
