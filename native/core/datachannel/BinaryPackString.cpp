#include "BinaryPackString.hpp"

namespace wg::datachannel {

namespace {

constexpr uint32_t kMaxCodePoint = 0x10FFFF;
constexpr uint32_t kReplacement = 0xFFFD;

void appendCodePoint(std::vector<uint8_t>& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<uint8_t>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<uint8_t>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<uint8_t>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<uint8_t>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<uint8_t>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<uint8_t>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<uint8_t>(0x80 | (cp & 0x3F)));
  }
}

bool isHighSurrogate(uint32_t cp) { return cp >= 0xD800 && cp <= 0xDBFF; }
bool isLowSurrogate(uint32_t cp) { return cp >= 0xDC00 && cp <= 0xDFFF; }

}  // namespace

template <typename F>
void BinaryPackString::forEachCodePoint(F&& f) const {
  auto at = [&](size_t k) -> uint32_t { return k < size_ ? (body_[k] & 0x3Fu) : 0u; };
  size_t i = 0;
  while (i < size_) {
    uint32_t c = body_[i];
    uint32_t cp;
    if (c < 0xA0) {
      cp = c;
      i += 1;
    } else if ((c ^ 0xC0) < 0x20) {
      cp = ((c & 0x1F) << 6) | at(i + 1);
      i += 2;
    } else if ((c ^ 0xE0) < 0x10) {
      cp = ((c & 0x0F) << 12) | (at(i + 1) << 6) | at(i + 2);
      i += 3;
    } else {
      cp = ((c & 0x07) << 18) | (at(i + 1) << 12) | (at(i + 2) << 6) | at(i + 3);
      i += 4;
    }
    if (!f(cp)) return;
  }
}

bool BinaryPackString::decodable() const {
  bool ok = true;
  forEachCodePoint([&](uint32_t cp) { return ok = cp <= kMaxCodePoint; });
  return ok;
}

bool BinaryPackString::equals(std::string_view ascii) const {
  size_t matched = 0;
  bool same = true;
  forEachCodePoint([&](uint32_t cp) {
    same = matched < ascii.size() && cp == static_cast<uint8_t>(ascii[matched]);
    ++matched;
    return same;
  });
  return same && matched == ascii.size();
}

void BinaryPackString::appendUtf8(std::vector<uint8_t>& out) const {
  // The decoded string is UTF-16: a code point below 0x10000 is one unit (a surrogate stays lone
  // unless the next unit completes a pair), one above is a pair.
  uint32_t pendingHigh = 0;
  forEachCodePoint([&](uint32_t cp) {
    if (pendingHigh != 0) {
      if (isLowSurrogate(cp)) {
        appendCodePoint(out, 0x10000 + ((pendingHigh - 0xD800) << 10) + (cp - 0xDC00));
        pendingHigh = 0;
        return true;
      }
      appendCodePoint(out, kReplacement);
      pendingHigh = 0;
    }
    if (isHighSurrogate(cp)) pendingHigh = cp;
    else appendCodePoint(out, isLowSurrogate(cp) ? kReplacement : cp);
    return true;
  });
  if (pendingHigh != 0) appendCodePoint(out, kReplacement);
}

}  // namespace wg::datachannel
