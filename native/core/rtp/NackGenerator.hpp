#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace wg::rtp {

struct NackConfig {
  // A gap is only NACKed after it has been missing this long: reordered packets fill it first.
  int64_t reorderDelayUs = 10000;
  // NACKs per missing packet before it is given up.
  int maxRetries = 10;
  // More missing than this at once: clear and count (the source jumped; a keyframe is the cure).
  size_t maxMissing = 1000;
  // A packet missing longer than this is given up: it would arrive too late to be played.
  int64_t maxAgeUs = 1500000;
  // Retries are spaced by max(rtt, this).
  int64_t minRetryIntervalUs = 20000;
};

// Loss detection for one remote video SSRC, deciding which sequence numbers to ask for again
// in generic NACKs (RFC 4585 section 6.2.1; RFC 4588 carries the answers). Tolerates
// reordering, retries once per round trip, and gives up (asking for a keyframe instead) when
// retries or time run out. Memory is reserved once: no allocation per packet.
class NackGenerator {
public:
  explicit NackGenerator(NackConfig config = {});

  // A packet (original or retransmitted) arrived. Returns true if it filled a gap: a
  // retransmission or a late packet.
  bool onPacket(uint16_t seq, int64_t nowUs);
  // Writes the sequence numbers due now, ascending (modulo 2^16), at most `capacity`, and marks
  // them sent. Due: missing for reorderDelayUs and never NACKed, or NACKed at least
  // max(rttUs, minRetryIntervalUs) ago. Entries past maxRetries or maxAgeUs are dropped
  // (counted as abandoned). Returns how many were written.
  size_t collectDue(int64_t nowUs, int64_t rttUs, uint16_t* out, size_t capacity);
  // The earliest time collectDue would return or drop something; nullopt when nothing is missing.
  std::optional<int64_t> nextDueUs(int64_t rttUs) const;
  // True once after a clear (overflow, or the source jumping back) or an abandonment.
  bool needsKeyframe();

  // Sequence numbers put in NACKs, retries included.
  uint64_t requested() const { return requested_; }
  // Gaps filled after they were NACKed.
  uint64_t recovered() const { return recovered_; }
  // Gaps filled before they were NACKed (reordering).
  uint64_t reordered() const { return reordered_; }
  // Missing packets given up (retries or age), or dropped by a clear.
  uint64_t abandoned() const { return abandoned_; }
  // Times the missing list was cleared because too much was missing at once.
  uint64_t overflows() const { return overflows_; }
  // Sequence numbers missing now.
  size_t missing() const { return missing_.size(); }

private:
  struct Missing {
    int64_t seq;  // unwrapped
    int64_t detectedUs;
    int64_t lastSentUs;
    int sent;
  };

  int64_t unwrap(uint16_t seq) const;
  int64_t dueUs(const Missing& m, int64_t rttUs) const;
  void clear();

  NackConfig config_;
  std::vector<Missing> missing_;  // ascending by seq; capacity reserved to maxMissing
  bool started_ = false;
  int64_t highest_ = 0;  // unwrapped highest sequence number seen
  int32_t restartCandidate_ = -1;  // the number that would confirm a restart, or -1
  bool keyframe_ = false;
  uint64_t requested_ = 0;
  uint64_t recovered_ = 0;
  uint64_t reordered_ = 0;
  uint64_t abandoned_ = 0;
  uint64_t overflows_ = 0;
};

}  // namespace wg::rtp
