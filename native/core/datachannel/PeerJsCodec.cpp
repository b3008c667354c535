#include "PeerJsCodec.hpp"

#include "BinaryPackFraming.hpp"
#include "Utf8.hpp"

#include <algorithm>

namespace wg::datachannel {

namespace {

// Reassembled messages may exceed one datagram a little (BinaryPack headers, JSON text).
constexpr size_t kMaxReassembledBytes = 2 * kMaxDatagramBytes;

DecodedMessage datagram(const uint8_t* data, size_t size, uint32_t evicted = 0) {
  DecodedMessage m;
  m.evicted = evicted;
  if (size > kMaxDatagramBytes) {
    m.reason = DropReason::TooLarge;
    return m;
  }
  m.kind = DecodedMessage::Kind::Datagram;
  m.data = data;
  m.size = size;
  return m;
}

DecodedMessage drop(DropReason reason, uint32_t evicted = 0) {
  DecodedMessage m;
  m.reason = reason;
  m.evicted = evicted;
  return m;
}

DecodedMessage of(DecodedMessage::Kind kind, const uint8_t* data = nullptr, size_t size = 0, uint32_t evicted = 0) {
  DecodedMessage m;
  m.kind = kind;
  m.data = data;
  m.size = size;
  m.evicted = evicted;
  return m;
}

}  // namespace

PeerJsCodec::PeerJsCodec(Serialization serialization)
    : serialization_(serialization), reassembler_(kMaxReassembledBytes) {}

std::optional<DropReason> PeerJsCodec::encode(const uint8_t* datagram, size_t size, std::vector<MessageSpan>& out) {
  out.clear();
  switch (serialization_) {
    case Serialization::None:
      out.push_back({datagram, size});
      return std::nullopt;
    case Serialization::Json: {
      if (!isWellFormedUtf8(datagram, size)) return DropReason::InvalidUtf8;
      if (!json_.scan(datagram, size).valid) return DropReason::InvalidJson;
      out.push_back({datagram, size});
      return std::nullopt;
    }
    case Serialization::Binary:
    case Serialization::BinaryUtf8:
      break;
  }
  packed_.clear();
  if (serialization_ == Serialization::Binary) {
    appendRawHeader(packed_, size);
  } else {
    if (!isWellFormedUtf8(datagram, size)) return DropReason::InvalidUtf8;
    appendStringHeader(packed_, size);
  }
  if (packed_.size() + size <= kChunkSize) {
    packed_.insert(packed_.end(), datagram, datagram + size);
    out.push_back({packed_.data(), packed_.size()});
    return std::nullopt;
  }
  packed_.insert(packed_.end(), datagram, datagram + size);
  chunk(out);
  return std::nullopt;
}

void PeerJsCodec::chunk(std::vector<MessageSpan>& out) {
  uint64_t id = nextChunkedId_++;
  size_t total = (packed_.size() + kChunkSize - 1) / kChunkSize;
  encoded_.clear();
  chunkEnds_.clear();
  for (size_t n = 0; n < total; ++n) {
    size_t begin = n * kChunkSize;
    size_t length = std::min(kChunkSize, packed_.size() - begin);
    appendChunk(encoded_, id, static_cast<uint32_t>(n), packed_.data() + begin, length, static_cast<uint32_t>(total));
    chunkEnds_.push_back(encoded_.size());
  }
  // Spans once the scratch is complete (it may move while it grows).
  size_t begin = 0;
  for (size_t end : chunkEnds_) {
    out.push_back({encoded_.data() + begin, end - begin});
    begin = end;
  }
}

DecodedMessage PeerJsCodec::decode(bool binary, const uint8_t* message, size_t size) {
  switch (serialization_) {
    case Serialization::None: return datagram(message, size);
    case Serialization::Json: return decodeJson(message, size);
    case Serialization::Binary:
    case Serialization::BinaryUtf8:
      // The stock client sends binary messages only; a text message from another sender is its string.
      if (!binary) return datagram(message, size);
      return decodeBinaryPack(message, size);
  }
  return drop(DropReason::Malformed);
}

DecodedMessage PeerJsCodec::decodeJson(const uint8_t* message, size_t size) {
  if (!isWellFormedUtf8(message, size)) return drop(DropReason::InvalidUtf8);
  JsonScan scan = json_.scan(message, size);
  if (!scan.valid) return drop(DropReason::InvalidJson);
  if (scan.peerJsClose) return of(DecodedMessage::Kind::Close);
  return datagram(message, size);
}

DecodedMessage PeerJsCodec::decodeBinaryPack(const uint8_t* message, size_t size) {
  using Kind = PeerJsValue::Kind;
  PeerJsValue value = inspector_.inspect(message, size);
  switch (value.kind) {
    case Kind::Malformed:
    case Kind::BadPeerData: return drop(DropReason::Malformed);
    case Kind::Bytes:
    case Kind::Text: return datagram(value.data, value.size);
    case Kind::Close: return of(DecodedMessage::Kind::Close);
    case Kind::Other: return of(DecodedMessage::Kind::ToJs, message, size);
    case Kind::Chunk: break;
  }
  ChunkReassembler::Result part = reassembler_.add(value.id, value.n, value.total, value.data, value.size);
  if (part.kind == ChunkReassembler::Result::Kind::Drop) return drop(part.reason, part.evicted);
  if (part.kind == ChunkReassembler::Result::Kind::Partial) return of(DecodedMessage::Kind::Partial, nullptr, 0, part.evicted);
  // The whole message is decoded again; a chunk (or any __peerData) inside is not something PeerJS makes.
  PeerJsValue whole = inspector_.inspect(part.packed, part.size);
  switch (whole.kind) {
    case Kind::Bytes:
    case Kind::Text: return datagram(whole.data, whole.size, part.evicted);
    case Kind::Other: return of(DecodedMessage::Kind::ToJs, part.packed, part.size, part.evicted);
    default: return drop(DropReason::Malformed, part.evicted);
  }
}

}  // namespace wg::datachannel
