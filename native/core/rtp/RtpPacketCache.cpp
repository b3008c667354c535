#include "RtpPacketCache.hpp"

#include <cstring>

namespace wg::rtp {

RtpPacketCache::RtpPacketCache(size_t slots, size_t slotBytes) : slots_(slots), slotBytes_(slotBytes) {}

void RtpPacketCache::store(uint16_t sequence, const uint8_t* packet, size_t size, int64_t nowUs) {
  Slot& slot = slots_[sequence & (slots_.size() - 1)];
  if (size > slotBytes_) {
    slot.used = false;  // an older packet with the same index must not answer for this one
    return;
  }
  if (storage_.empty()) storage_.resize(slots_.size() * slotBytes_);
  uint8_t* at = storage_.data() + (sequence & (slots_.size() - 1)) * slotBytes_;
  std::memcpy(at, packet, size);
  slot.sequence = sequence;
  slot.used = true;
  slot.entry = {at, size, nowUs};
}

const RtpPacketCache::Entry* RtpPacketCache::find(uint16_t sequence) const {
  const Slot& slot = slots_[sequence & (slots_.size() - 1)];
  return slot.used && slot.sequence == sequence ? &slot.entry : nullptr;
}

}  // namespace wg::rtp
