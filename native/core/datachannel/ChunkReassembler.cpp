#include "ChunkReassembler.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace wg::datachannel {

namespace {

// A Map key for a JavaScript number: the same for 0 and -0 (SameValueZero); NaN never occurs here.
uint64_t idKey(double id) {
  if (id == 0) id = 0;
  if (std::isnan(id)) id = std::numeric_limits<double>::quiet_NaN();
  uint64_t bits;
  std::memcpy(&bits, &id, sizeof bits);
  return bits;
}

}  // namespace

ChunkReassembler::Partial* ChunkReassembler::find(uint64_t id) {
  for (auto& p : pending_) {
    if (p.used && p.id == id) return &p;
  }
  return nullptr;
}

bool ChunkReassembler::refused(uint64_t id) const {
  for (size_t k = 0; k < refusedCount_; ++k) {
    if (refused_[k] == id) return true;
  }
  return false;
}

void ChunkReassembler::refuse(uint64_t id) {
  refused_[refusedNext_] = id;
  refusedNext_ = (refusedNext_ + 1) % kMaxRefused;
  if (refusedCount_ < kMaxRefused) ++refusedCount_;
}

size_t ChunkReassembler::pendingMessages() const {
  size_t count = 0;
  for (const auto& p : pending_) count += p.used ? 1 : 0;
  return count;
}

ChunkReassembler::Result ChunkReassembler::add(double idNumber, uint32_t n, uint32_t total, const uint8_t* data,
                                               size_t size) {
  Result result;
  uint64_t id = idKey(idNumber);
  if (refused(id)) return result;
  if (total > kMaxChunks) {
    refuse(id);
    result.kind = Result::Kind::Drop;
    result.reason = DropReason::TooLarge;
    return result;
  }
  Partial* message = find(id);
  if (message != nullptr && message->total != total) {
    message->used = false;
    result.kind = Result::Kind::Drop;
    result.reason = DropReason::Malformed;
    return result;
  }
  if (message == nullptr) {
    Partial* slot = nullptr;
    for (auto& p : pending_) {
      if (!p.used) {
        slot = &p;
        break;
      }
    }
    if (slot == nullptr) {  // all in progress: give up the oldest
      slot = &pending_[0];
      for (auto& p : pending_) {
        if (p.age < slot->age) slot = &p;
      }
      result.evicted = 1;
    }
    message = slot;
    message->used = true;
    message->id = id;
    message->age = nextAge_++;
    message->total = total;
    message->received = 0;
    message->bytes = 0;
    message->have.reset();
    message->store.clear();
  }
  if (message->have[n]) return result;
  message->bytes += size;
  if (message->bytes > maxBytes_) {
    message->used = false;
    refuse(id);
    result.kind = Result::Kind::Drop;
    result.reason = DropReason::TooLarge;
    return result;
  }
  message->have.set(n);
  message->offset[n] = static_cast<uint32_t>(message->store.size());
  message->length[n] = static_cast<uint32_t>(size);
  message->store.insert(message->store.end(), data, data + size);
  if (++message->received < total) return result;

  whole_.clear();
  for (uint32_t k = 0; k < total; ++k) {
    const uint8_t* part = message->store.data() + message->offset[k];
    whole_.insert(whole_.end(), part, part + message->length[k]);
  }
  message->used = false;
  result.kind = Result::Kind::Complete;
  result.packed = whole_.data();
  result.size = whole_.size();
  return result;
}

}  // namespace wg::datachannel
