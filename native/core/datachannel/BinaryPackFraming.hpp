#pragma once

// BinaryPack, the msgpack dialect of peerjs-js-binarypack 2.x that PeerJS's "binary" serialization
// uses (not standard msgpack: 0xa0..0xaf and 0xda/0xdb are raw bytes, 0xb0..0xbf and 0xd8/0xd9 are
// strings, 0xc1 and 0xd4..0xd7 are undefined, 0xc4..0xc9 do not exist).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wg::datachannel {

// The PeerJS chunk size (util.chunkedMTU in peerjs 1.5): packed messages above it are chunked.
constexpr size_t kChunkSize = 16300;

// Appends a raw-bytes header for `size` bytes: 0xa0|n (n <= 15), 0xda u16, 0xdb u32.
void appendRawHeader(std::vector<uint8_t>& out, size_t size);
// Appends a string header for `size` UTF-8 bytes: 0xb0|n (n <= 15), 0xd8 u16, 0xd9 u32.
void appendStringHeader(std::vector<uint8_t>& out, size_t size);
// Appends an integer the way the library's pack_integer does (fixint, then the smallest of
// 0xcc/0xd0/0xcd/0xd1/0xce/0xd2, then 0xd3) for 0 <= value < 2^53.
void appendInteger(std::vector<uint8_t>& out, uint64_t value);
// Appends one PeerJS chunk, byte for byte what pack({__peerData: id, n, data, total}) gives.
void appendChunk(std::vector<uint8_t>& out, uint64_t id, uint32_t n, const uint8_t* data, size_t size, uint32_t total);

// Whether `data` starts with one complete BinaryPack value (trailing bytes are allowed, as the
// library's unpack ignores them). Every declared element needs at least one byte left, so the walk
// is bounded by the length: the library trusts declared lengths (an array header claiming 2^32
// elements). The same walk as isWellFormedBinaryPack in BinaryPackFraming.ts.
bool isWellFormedBinaryPack(const uint8_t* data, size_t size);

// One BinaryPack item read at a position of a well-formed value.
struct BinaryPackItem {
  enum class Type : uint8_t { Nil, Undefined, Boolean, Number, Raw, String, Array, Map };
  Type type = Type::Nil;
  bool boolean = false;
  double number = 0;  // the library's value (its arithmetic, rounding included)
  size_t body = 0;    // where the bytes (Raw, String) or the first element (Array, Map) start
  size_t length = 0;  // bytes (Raw, String), elements (Array), pairs (Map)
};

// Reads the item at `pos`; `data` must hold a well-formed value that covers it.
BinaryPackItem readBinaryPackItem(const uint8_t* data, size_t pos);
// The position just past the value that starts at `pos` (iterative; `data` well-formed).
size_t skipBinaryPackValue(const uint8_t* data, size_t pos);

}  // namespace wg::datachannel
