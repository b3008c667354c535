#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace wg {

// Reads big-endian fields from a buffer. Reading past the end returns zeros and marks the
// reader failed, so a parser checks `ok()` once instead of before every field.
class ByteReader {
public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool ok() const { return ok_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return ok_ ? size_ - pos_ : 0; }

  uint8_t u8() { return take(1) ? data_[pos_ - 1] : 0; }
  uint16_t u16() {
    if (!take(2)) return 0;
    const uint8_t* p = data_ + pos_ - 2;
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
  }
  uint32_t u32() {
    if (!take(4)) return 0;
    const uint8_t* p = data_ + pos_ - 4;
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  }
  uint64_t u64() {
    uint64_t high = u32();
    return (high << 32) | u32();
  }
  // Returns a pointer to `n` bytes and advances, or nullptr (and fails) if they are not there.
  const uint8_t* bytes(size_t n) { return take(n) ? data_ + pos_ - n : nullptr; }
  bool skip(size_t n) { return take(n); }

private:
  bool take(size_t n) {
    if (!ok_ || n > size_ - pos_) {
      ok_ = false;
      return false;
    }
    pos_ += n;
    return true;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool ok_ = true;
};

inline uint16_t readU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t readU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline uint64_t readU64(const uint8_t* p) { return (uint64_t{readU32(p)} << 32) | readU32(p + 4); }
inline void writeU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void writeU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace wg
