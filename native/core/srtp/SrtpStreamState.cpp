#include "SrtpStreamState.hpp"

namespace wg::srtp {

std::optional<uint32_t> SrtpStreamState::guessRolloverCounter(uint16_t seq) const {
  if (!started) return rolloverCounter;
  int64_t v = rolloverCounter;
  if (highestSequence < 32768) {
    if (seq > highestSequence && seq - highestSequence > 32768) v -= 1;
  } else if (seq < highestSequence - 32768) {
    v += 1;
  }
  if (v < 0 || v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(v);
}

void SrtpStreamState::update(uint32_t roc, uint16_t seq) {
  if (!started || packetIndex(roc, seq) > packetIndex(rolloverCounter, highestSequence)) {
    rolloverCounter = roc;
    highestSequence = seq;
    started = true;
  }
}

}  // namespace wg::srtp
