#pragma once

#include "ByteReader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace wg {

// Writes big-endian fields into a caller's buffer. Writing past the capacity writes nothing
// and marks the writer failed; `ok()` is checked once at the end.
class ByteWriter {
public:
  ByteWriter(uint8_t* data, size_t capacity) : data_(data), capacity_(capacity) {}

  bool ok() const { return ok_; }
  size_t size() const { return pos_; }
  uint8_t* data() { return data_; }

  void u8(uint8_t v) {
    if (uint8_t* p = take(1)) p[0] = v;
  }
  void u16(uint16_t v) {
    if (uint8_t* p = take(2)) writeU16(p, v);
  }
  void u32(uint32_t v) {
    if (uint8_t* p = take(4)) writeU32(p, v);
  }
  void u64(uint64_t v) {
    u32(static_cast<uint32_t>(v >> 32));
    u32(static_cast<uint32_t>(v));
  }
  void bytes(const void* src, size_t n) {
    if (uint8_t* p = take(n)) std::memcpy(p, src, n);
  }
  void zeros(size_t n) {
    if (uint8_t* p = take(n)) std::memset(p, 0, n);
  }
  void fail() { ok_ = false; }
  // Reserves `n` bytes to be filled in later; nullptr if they do not fit.
  uint8_t* reserve(size_t n) { return take(n); }

private:
  uint8_t* take(size_t n) {
    if (!ok_ || n > capacity_ - pos_) {
      ok_ = false;
      return nullptr;
    }
    pos_ += n;
    return data_ + pos_ - n;
  }

  uint8_t* data_;
  size_t capacity_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace wg
