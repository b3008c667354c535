#pragma once

#include <sys/uio.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace wg::io {

// A fixed-capacity FIFO of bytes (a stream's send queue): allocated once, never grows. What is
// queued is read out as at most two contiguous pieces, ready for writev(2).
class ByteRing {
public:
  explicit ByteRing(size_t capacity) : buffer_(capacity) {}

  size_t capacity() const { return buffer_.size(); }
  size_t size() const { return size_; }
  size_t room() const { return buffer_.size() - size_; }
  bool empty() const { return size_ == 0; }

  // The caller checks room() first: what does not fit is not written.
  void push(const uint8_t* data, size_t length) {
    if (length > room()) return;
    size_t tail = (head_ + size_) % buffer_.size();
    size_t first = std::min(length, buffer_.size() - tail);
    std::memcpy(buffer_.data() + tail, data, first);
    std::memcpy(buffer_.data(), data + first, length - first);
    size_ += length;
  }

  // The queued bytes as one or two pieces, oldest first; returns how many pieces.
  int pieces(iovec out[2]) {
    if (size_ == 0) return 0;
    size_t first = std::min(size_, buffer_.size() - head_);
    out[0] = {buffer_.data() + head_, first};
    if (first == size_) return 1;
    out[1] = {buffer_.data(), size_ - first};
    return 2;
  }

  void pop(size_t length) {
    if (length > size_) length = size_;
    head_ = (head_ + length) % buffer_.size();
    size_ -= length;
    if (size_ == 0) head_ = 0;
  }

private:
  std::vector<uint8_t> buffer_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace wg::io
