#include "Utf8.hpp"

namespace wg::datachannel {

bool isWellFormedUtf8(const uint8_t* data, size_t size) {
  size_t i = 0;
  while (i < size) {
    uint8_t c = data[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint8_t low = 0x80, high = 0xBF;  // the range of the second byte (RFC 3629 section 4 grammar)
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;        // overlong
      else if (c == 0xED) high = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;        // overlong
      else if (c == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return false;  // a continuation byte, C0/C1 (overlong) or F5..FF
    }
    if (size - i < length) return false;
    if (data[i + 1] < low || data[i + 1] > high) return false;
    for (size_t k = 2; k < length; ++k) {
      if ((data[i + k] & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace wg::datachannel
