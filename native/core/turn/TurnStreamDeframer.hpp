#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wg::turn {

// Splits the byte stream of TURN over TCP or TLS (RFC 8656 section 12.5) into its messages: a
// STUN message (first two bits 00, length at bytes 2..3 plus the 20-byte header) or ChannelData
// (first two bits 01, length at bytes 2..3 plus the 4-byte header, padded to 4). Whole frames
// in a chunk are handed out where they lie; only a frame split across chunks is copied, into a
// buffer bounded by the largest possible frame. A first byte that starts neither means the
// stream lost its framing: push() returns false and the connection must be dropped.
class TurnStreamDeframer {
public:
  // The largest frame: a STUN header plus a 16-bit length (a ChannelData frame is smaller).
  static constexpr size_t kMaxFrame = 20 + 0xFFFF;

  // `onFrame(uint8_t* data, size_t size)` runs once per complete frame; the bytes may be
  // changed in place and are not kept. False on a framing error (nothing more is accepted).
  template <typename OnFrame>
  bool push(uint8_t* data, size_t size, OnFrame&& onFrame);

  bool failed() const { return failed_; }
  size_t buffered() const { return pending_.size(); }
  uint64_t frames() const { return frames_; }

  // The size of the frame that starts at `data` (needs 4 bytes), 0 if no frame can start there.
  static size_t frameSize(const uint8_t* data);

private:
  std::vector<uint8_t> pending_;
  size_t pendingFrame_ = 0;  // the size of the frame being assembled in pending_, once known
  uint64_t frames_ = 0;
  bool failed_ = false;
};

template <typename OnFrame>
bool TurnStreamDeframer::push(uint8_t* data, size_t size, OnFrame&& onFrame) {
  if (failed_) return false;
  // First finish a frame begun in an earlier chunk.
  while (size > 0 && !pending_.empty()) {
    if (pendingFrame_ == 0) {
      size_t take = pending_.size() < 4 ? 4 - pending_.size() : 0;
      if (take > size) take = size;
      pending_.insert(pending_.end(), data, data + take);
      data += take;
      size -= take;
      if (pending_.size() < 4) return true;
      pendingFrame_ = frameSize(pending_.data());
      if (pendingFrame_ == 0) {
        failed_ = true;
        return false;
      }
    }
    size_t take = pendingFrame_ - pending_.size();
    if (take > size) take = size;
    pending_.insert(pending_.end(), data, data + take);
    data += take;
    size -= take;
    if (pending_.size() < pendingFrame_) return true;
    ++frames_;
    onFrame(pending_.data(), pending_.size());
    pending_.clear();
    pendingFrame_ = 0;
  }
  // Then whole frames straight from the chunk.
  while (size >= 4) {
    size_t frame = frameSize(data);
    if (frame == 0) {
      failed_ = true;
      return false;
    }
    if (frame > size) break;
    ++frames_;
    onFrame(data, frame);
    data += frame;
    size -= frame;
  }
  if (size > 0) {
    if (pending_.capacity() == 0) pending_.reserve(kMaxFrame);
    pending_.assign(data, data + size);
    pendingFrame_ = size >= 4 ? frameSize(data) : 0;
    if (size >= 4 && pendingFrame_ == 0) {
      failed_ = true;
      return false;
    }
  }
  return true;
}

}  // namespace wg::turn
