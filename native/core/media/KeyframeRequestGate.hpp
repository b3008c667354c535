#pragma once

#include <cstdint>

namespace wg::media {

// Keyframe requests for one source port, from however many connections it feeds: one request
// per interval reaches the user's encoder, the rest are counted and dropped. A keyframe answers
// every receiver at once, and an encoder asked a hundred times would send nothing else.
class KeyframeRequestGate {
public:
  static constexpr int64_t kIntervalUs = 500000;

  bool admit(int64_t nowUs) {
    if (forwarded_ > 0 && nowUs - lastUs_ < kIntervalUs) {
      ++coalesced_;
      return false;
    }
    lastUs_ = nowUs;
    ++forwarded_;
    return true;
  }
  uint64_t forwarded() const { return forwarded_; }
  uint64_t coalesced() const { return coalesced_; }

private:
  int64_t lastUs_ = 0;
  uint64_t forwarded_ = 0;
  uint64_t coalesced_ = 0;
};

}  // namespace wg::media
