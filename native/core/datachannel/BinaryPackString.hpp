#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace wg::datachannel {

// A BinaryPack string body as peerjs-js-binarypack's unpack_string reads it. Its decoder is not a
// UTF-8 validator: the lead byte alone picks the length (below 0xa0: one byte, 0xc0..0xdf: two,
// 0xe0..0xef: three, else four), continuation bits are masked without checks, bytes past the end
// read as 0, and String.fromCodePoint throws (the whole unpack fails) above U+10FFFF. Well-formed
// UTF-8 decodes to itself; anything else to other code points, which Node writes back as UTF-8 with
// lone surrogates replaced by U+FFFD (Buffer.from(string, 'utf8')).
class BinaryPackString {
public:
  BinaryPackString(const uint8_t* body, size_t size) : body_(body), size_(size) {}

  // False when the library's decoder throws on it.
  bool decodable() const;
  // Whether the decoded string equals `ascii` (a string of code points below 0x80).
  bool equals(std::string_view ascii) const;
  // Appends the UTF-8 bytes Node writes for the decoded string.
  void appendUtf8(std::vector<uint8_t>& out) const;

private:
  // Calls f(codePoint) for each code point the library decodes, in order.
  template <typename F>
  void forEachCodePoint(F&& f) const;

  const uint8_t* body_;
  size_t size_;
};

}  // namespace wg::datachannel
