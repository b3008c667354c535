#pragma once

#include <bitset>
#include <cstdint>

namespace wg::srtp {

// Sliding replay window (RFC 3711 section 3.3.2) over 48-bit packet indices (or SRTCP's
// 31-bit index): remembers which of the last kSize indices below the highest were seen.
class ReplayWindow {
public:
  static constexpr uint64_t kSize = 1024;

  // True if `index` is new and not too old; does not record it.
  bool check(uint64_t index) const;
  // Records an authenticated index.
  void accept(uint64_t index);
  bool empty() const { return !started_; }
  uint64_t highest() const { return highest_; }

private:
  std::bitset<kSize> seen_;  // bit i: highest_ - i was received
  uint64_t highest_ = 0;
  bool started_ = false;
};

}  // namespace wg::srtp
