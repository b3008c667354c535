#include "ReplayWindow.hpp"

namespace wg::srtp {

bool ReplayWindow::check(uint64_t index) const {
  if (!started_ || index > highest_) return true;
  uint64_t age = highest_ - index;
  return age < kSize && !seen_.test(age);
}

void ReplayWindow::accept(uint64_t index) {
  if (!started_) {
    started_ = true;
    highest_ = index;
    seen_.reset();
    seen_.set(0);
    return;
  }
  if (index > highest_) {
    uint64_t shift = index - highest_;
    if (shift >= kSize) seen_.reset();
    else seen_ <<= shift;
    seen_.set(0);
    highest_ = index;
  } else {
    uint64_t age = highest_ - index;
    if (age < kSize) seen_.set(age);
  }
}

}  // namespace wg::srtp
