#include "RetiredStreams.hpp"

#include <algorithm>

namespace wg::io {

void RetiredStreams::retire(std::unique_ptr<TurnStreamConnection> stream) {
  if (!stream) return;
  ++retired_;
  stream->finish(this);
  streams_.push_back(std::move(stream));
  if (streams_.back()->closed()) scheduleSweep();
}

void RetiredStreams::scheduleSweep() {
  if (sweepPosted_) return;
  sweepPosted_ = true;
  loop_.post([this] { sweep(); });
}

void RetiredStreams::sweep() {
  sweepPosted_ = false;
  streams_.erase(std::remove_if(streams_.begin(), streams_.end(), [](const auto& s) { return s->closed(); }), streams_.end());
}

}  // namespace wg::io
