#pragma once

// PLACEHOLDER, replaced by i20-codec: the header the codec helper writes (its exact interface,
// /work/briefs/i20-codec.md), with a temporary implementation of NONE only (PeerJsCodec.cpp).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace wg::datachannel {

enum class Serialization : uint8_t { None, Json, Binary, BinaryUtf8 };
enum class DropReason : uint8_t { ChannelNotOpen, BufferFull, TooLarge, InvalidJson, InvalidUtf8, Malformed,
                                  Incomplete, NoRedirect, SendFailed };
constexpr size_t kDropReasonCount = 9;
const char* dropReasonName(DropReason);            // "channel_not_open", ... as in DropReason.ts
std::optional<Serialization> serializationFromName(std::string_view);   // "NONE","JSON","BINARY","BINARY_UTF8"

struct MessageSpan { const uint8_t* data; size_t size; };   // always sent as binary messages (PPID 53/57)

// Decoding one received message.
struct DecodedMessage {
  enum class Kind : uint8_t { Datagram, Close, Partial, Drop, ToJs } kind;
  const uint8_t* data = nullptr; size_t size = 0;   // Datagram: its bytes; ToJs: the (whole, reassembled) packed
                                                     // value to hand to TypeScript; valid until the next call
  DropReason reason{};                               // Drop
  uint32_t evicted = 0;                              // Partial/Datagram/...: stale partial messages given up (count
                                                     // them as 'incomplete')
};

// One per connection (it keeps chunk ids and partial messages). Bounded memory as the TS one.
class PeerJsCodec {
public:
  explicit PeerJsCodec(Serialization serialization);
  // One datagram -> the messages that carry it, in order, or a drop reason (then none). Spans point into the
  // input (NONE, JSON: zero copy) or into this codec's scratch, valid until the next encode().
  std::optional<DropReason> encode(const uint8_t* datagram, size_t size, std::vector<MessageSpan>& out);
  DecodedMessage decode(bool binary, const uint8_t* message, size_t size);

private:
  Serialization serialization_;
};

}  // namespace wg::datachannel
