#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace wg::rtcp {

// The receiver side of transport-wide congestion control
// (draft-holmer-rmcat-transport-wide-cc-extensions-01): records when each transport-wide
// sequence number arrived and reports them in transport feedback packets (RTPFB, FMT 15)
// the sender's bandwidth estimator reads. Memory is fixed: a window of kMaxPending numbers.
class TransportWideFeedback {
public:
  // The most sequence numbers (received or not) kept between two feedback packets. Beyond
  // it the oldest unreported ones are dropped, so feedback should be written well before.
  static constexpr size_t kMaxPending = 1024;

  // A packet carrying transport-wide sequence number `transportSequence` arrived. Handles
  // wrap and reordering; duplicates keep the first arrival; numbers before the window (already
  // reported) are ignored.
  void onPacket(uint16_t transportSequence, int64_t arrivalUs);
  // True when something recorded has not been reported yet.
  bool hasPending() const { return started_ && base_ < end_; }
  // Sequence numbers in the window, received or not: from the first unreported to the highest.
  size_t pendingCount() const { return started_ ? static_cast<size_t>(end_ - base_) : 0; }
  // Writes one feedback packet for the window (as much as fits in `capacity`, and ending
  // before a receive delta that 16 bits cannot hold) and advances past what it reported.
  // Returns its size, or 0 when nothing is pending or not even one packet fits.
  size_t writeFeedback(uint8_t* out, size_t capacity, uint32_t senderSsrc, uint32_t mediaSsrc);

  // Arrivals ignored because their number was already reported (or dropped).
  uint64_t late() const { return late_; }
  uint64_t duplicates() const { return duplicates_; }
  // Unreported numbers dropped because the window overflowed.
  uint64_t dropped() const { return dropped_; }
  // Feedback packets written; the low 8 bits are the next packet's feedback packet count.
  uint64_t feedbackPackets() const { return feedbackPackets_; }

private:
  static constexpr int64_t kNoArrival = INT64_MIN;  // an arrival slot of a number not received

  int64_t& slot(int64_t seq) { return arrivals_[static_cast<size_t>(seq) % kMaxPending]; }
  // Chunks for symbols_[0, n) at `out`; returns the bytes written (RLE and status vectors).
  size_t writeChunks(uint8_t* out, size_t n) const;

  bool started_ = false;
  int64_t base_ = 0;  // unwrapped: the first number not yet reported
  int64_t end_ = 0;   // one past the highest number recorded
  std::array<int64_t, kMaxPending> arrivals_{};
  // Scratch for writeFeedback: a status symbol and a receive delta per reported number.
  std::array<uint8_t, kMaxPending> symbols_{};
  std::array<int32_t, kMaxPending> deltas_{};
  uint64_t late_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t dropped_ = 0;
  uint64_t feedbackPackets_ = 0;
};

}  // namespace wg::rtcp
