#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wg::datachannel {

// What one received BinaryPack message means to PeerJS's "binary" serialization, decided the way
// BinarySerialization.ts decides it on the value peerjs-js-binarypack's unpack() would return.
struct PeerJsValue {
  enum class Kind : uint8_t {
    Malformed,    // not one BinaryPack value, or one unpack() throws on (a string above U+10FFFF)
    Bytes,        // raw bytes (an ArrayBuffer): `data` points at them
    Text,         // a string: `data` is its UTF-8 as Node writes it
    Close,        // a map whose __peerData is {type: 'close'}
    Chunk,        // a map {__peerData: <number>, n, total, data} with 0 <= n < total integers
    BadPeerData,  // a map with any other __peerData (not undefined)
    Other,        // any other value: JavaScript turns it into JSON text
  };
  Kind kind = Kind::Malformed;
  const uint8_t* data = nullptr;  // Bytes, Text; Chunk: its data
  size_t size = 0;
  double id = 0;     // Chunk: the message id, as JavaScript's number
  uint32_t n = 0;    // Chunk
  uint32_t total = 0;  // Chunk; may exceed the reassembler's bounds (then capped at UINT32_MAX)
};

// Inspects received BinaryPack messages without building values and without recursion. Cases that
// hinge on JavaScript's object model rather than on the data (a map used as a map key, whose
// conversion to a property name may throw; the key "__proto__", which sets a prototype; nesting
// deeper than kMaxDepth, where the library's recursion may overflow the stack) are reported as
// Other, so that TypeScript decides them with the library itself.
class PeerJsValueInspector {
public:
  static constexpr size_t kMaxDepth = 1000;

  // `data` must stay valid while the result is used; Text may point into this inspector.
  PeerJsValue inspect(const uint8_t* data, size_t size);

private:
  struct Frame {
    uint64_t remaining;  // elements (array) or keys and values (map) still to walk
    uint64_t index;      // elements walked
    bool map;
    bool inKey;  // inside a map key
  };
  // Whether the top-level map (at 0) is safe to decide here: no exotic keys, nesting bounded.
  bool plainMap(const uint8_t* data);

  std::vector<Frame> frames_;
  std::vector<uint8_t> text_;
};

}  // namespace wg::datachannel
