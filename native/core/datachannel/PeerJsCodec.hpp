#pragma once

// PeerJS's data serializations in C++ (sans-IO): datagrams to DataChannel messages and back, byte
// for byte as src/session/data/serialization/ does in TypeScript (docs/DATA.md has the table).
#include "ChunkReassembler.hpp"
#include "DropReason.hpp"
#include "JsonTextScanner.hpp"
#include "PeerJsValue.hpp"
#include "Serialization.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace wg::datachannel {

// The largest payload of one UDP datagram (IPv4: 65535 - 20 - 8).
constexpr size_t kMaxDatagramBytes = 65507;

// One message to send; always a binary message (PPID 53, or 57 when empty).
struct MessageSpan {
  const uint8_t* data;
  size_t size;
};

// What one received message means for the UDP side.
struct DecodedMessage {
  enum class Kind : uint8_t {
    Datagram,  // deliver `data`/`size` as one datagram
    Close,     // the PeerJS in-band close ({__peerData: {type: 'close'}})
    Partial,   // one chunk of a larger message; nothing to deliver yet
    Drop,      // not delivered: count `reason`
    ToJs,      // a BinaryPack value TypeScript turns into JSON text: `data`/`size` are the whole
               // (reassembled) packed message, to decode as BinarySerialization.decode does
  } kind = Kind::Drop;
  const uint8_t* data = nullptr;  // Datagram, ToJs; valid until the next decode()
  size_t size = 0;
  DropReason reason{};  // Drop
  uint32_t evicted = 0;  // any kind: partial messages given up to make room (count as 'incomplete')
};

// One per connection: it keeps the chunk ids it sent and the chunked messages in progress, with
// bounded memory (ChunkReassembler). Never throws, allocates only while its scratch buffers grow.
class PeerJsCodec {
public:
  explicit PeerJsCodec(Serialization serialization);

  Serialization serialization() const { return serialization_; }

  // One datagram -> the messages that carry it, in order (`out` is cleared first), or why it cannot
  // be sent (then `out` is empty). Spans point into the input (NONE, JSON: zero copy) or into this
  // codec's scratch, valid until the next encode().
  std::optional<DropReason> encode(const uint8_t* datagram, size_t size, std::vector<MessageSpan>& out);

  // One received message (`binary`: PPID 53/57, else a string, PPID 51/56).
  DecodedMessage decode(bool binary, const uint8_t* message, size_t size);

private:
  DecodedMessage decodeJson(const uint8_t* message, size_t size);
  DecodedMessage decodeBinaryPack(const uint8_t* message, size_t size);
  void chunk(std::vector<MessageSpan>& out);

  Serialization serialization_;
  JsonTextScanner json_;
  PeerJsValueInspector inspector_;
  ChunkReassembler reassembler_;
  std::vector<uint8_t> packed_;   // encode: the packed datagram
  std::vector<uint8_t> encoded_;  // encode: the chunk messages, one after the other
  std::vector<size_t> chunkEnds_;  // encode: where each chunk message ends in encoded_
  uint64_t nextChunkedId_ = 1;    // PeerJS numbers chunked messages per connection from 1
};

}  // namespace wg::datachannel
