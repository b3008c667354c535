#include "NackGenerator.hpp"

#include <algorithm>

namespace wg::rtp {

namespace {
// A packet this far behind the highest, not one we miss, may be a restarted source (RFC 3550
// appendix A.1's MAX_DROPOUT); the next one in sequence confirms it.
constexpr int64_t kRestartDistance = 3000;
}  // namespace

NackGenerator::NackGenerator(NackConfig config) : config_(config) { missing_.reserve(config_.maxMissing); }

int64_t NackGenerator::unwrap(uint16_t seq) const {
  return highest_ + static_cast<int16_t>(static_cast<uint16_t>(seq - static_cast<uint16_t>(highest_)));
}

void NackGenerator::clear() {
  if (!missing_.empty()) keyframe_ = true;
  abandoned_ += missing_.size();
  missing_.clear();
}

bool NackGenerator::onPacket(uint16_t seq, int64_t nowUs) {
  if (!started_) {
    started_ = true;
    highest_ = seq;
    return false;
  }
  int64_t ext = unwrap(seq);
  if (ext > highest_) {
    int64_t gap = ext - highest_ - 1;
    if (gap > 0) {
      if (missing_.size() + static_cast<uint64_t>(gap) > config_.maxMissing) {
        clear();
        ++overflows_;
        keyframe_ = true;  // the gap itself is lost
      } else {
        for (int64_t s = highest_ + 1; s < ext; ++s) missing_.push_back({s, nowUs, 0, 0});
      }
    }
    highest_ = ext;
    // Entries half the number space behind can no longer be told from newer numbers.
    auto stale = std::find_if(missing_.begin(), missing_.end(), [&](const Missing& m) { return m.seq > highest_ - 0x8000; });
    if (stale != missing_.begin()) {
      abandoned_ += static_cast<uint64_t>(stale - missing_.begin());
      keyframe_ = true;
      missing_.erase(missing_.begin(), stale);
    }
    restartCandidate_ = -1;
    return false;
  }
  if (ext == highest_) return false;
  auto it = std::lower_bound(missing_.begin(), missing_.end(), ext, [](const Missing& m, int64_t s) { return m.seq < s; });
  if (it != missing_.end() && it->seq == ext) {
    if (it->sent > 0) ++recovered_;
    else ++reordered_;
    missing_.erase(it);
    return true;
  }
  if (highest_ - ext > kRestartDistance) {
    // Two packets in sequence far behind: the source restarted with lower numbers.
    if (seq == restartCandidate_) {
      clear();
      highest_ = ext;
      restartCandidate_ = -1;
    } else {
      restartCandidate_ = static_cast<uint16_t>(seq + 1);
    }
  }
  return false;
}

int64_t NackGenerator::dueUs(const Missing& m, int64_t rttUs) const {
  if (m.sent == 0) return m.detectedUs + config_.reorderDelayUs;
  return m.lastSentUs + std::max(rttUs, config_.minRetryIntervalUs);
}

size_t NackGenerator::collectDue(int64_t nowUs, int64_t rttUs, uint16_t* out, size_t capacity) {
  size_t written = 0;
  size_t kept = 0;
  for (size_t i = 0; i < missing_.size(); ++i) {
    Missing m = missing_[i];
    bool drop = nowUs - m.detectedUs >= config_.maxAgeUs;
    if (!drop && nowUs >= dueUs(m, rttUs)) {
      if (m.sent >= config_.maxRetries) {
        drop = true;
      } else if (written < capacity) {
        out[written++] = static_cast<uint16_t>(m.seq);
        ++m.sent;
        m.lastSentUs = nowUs;
        ++requested_;
      }
    }
    if (drop) {
      ++abandoned_;
      keyframe_ = true;
      continue;
    }
    missing_[kept++] = m;
  }
  missing_.resize(kept);  // shrinking never allocates
  return written;
}

std::optional<int64_t> NackGenerator::nextDueUs(int64_t rttUs) const {
  std::optional<int64_t> next;
  for (const Missing& m : missing_) {
    int64_t t = std::min(dueUs(m, rttUs), m.detectedUs + config_.maxAgeUs);
    if (!next || t < *next) next = t;
  }
  return next;
}

bool NackGenerator::needsKeyframe() {
  bool k = keyframe_;
  keyframe_ = false;
  return k;
}

}  // namespace wg::rtp
