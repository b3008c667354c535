// PLACEHOLDER, replaced by i20-codec: NONE only. Other serializations encode as NONE and hand
// every received message to TypeScript (ToJs), so the engine's pipe can be built and tested.
#include "PeerJsCodec.hpp"

namespace wg::datachannel {

namespace {
constexpr size_t kMaxDatagramBytes = 65507;
}  // namespace

const char* dropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::ChannelNotOpen: return "channel_not_open";
    case DropReason::BufferFull: return "buffer_full";
    case DropReason::TooLarge: return "too_large";
    case DropReason::InvalidJson: return "invalid_json";
    case DropReason::InvalidUtf8: return "invalid_utf8";
    case DropReason::Malformed: return "malformed";
    case DropReason::Incomplete: return "incomplete";
    case DropReason::NoRedirect: return "no_redirect";
    case DropReason::SendFailed: return "send_failed";
  }
  return "unknown";
}

std::optional<Serialization> serializationFromName(std::string_view name) {
  if (name == "NONE") return Serialization::None;
  if (name == "JSON") return Serialization::Json;
  if (name == "BINARY") return Serialization::Binary;
  if (name == "BINARY_UTF8") return Serialization::BinaryUtf8;
  return std::nullopt;
}

PeerJsCodec::PeerJsCodec(Serialization serialization) : serialization_(serialization) {}

std::optional<DropReason> PeerJsCodec::encode(const uint8_t* datagram, size_t size, std::vector<MessageSpan>& out) {
  out.clear();
  if (size > kMaxDatagramBytes) return DropReason::TooLarge;
  out.push_back({datagram, size});
  return std::nullopt;
}

DecodedMessage PeerJsCodec::decode(bool, const uint8_t* message, size_t size) {
  DecodedMessage decoded{serialization_ == Serialization::None ? DecodedMessage::Kind::Datagram : DecodedMessage::Kind::ToJs};
  if (size > kMaxDatagramBytes && serialization_ == Serialization::None) {
    decoded.kind = DecodedMessage::Kind::Drop;
    decoded.reason = DropReason::TooLarge;
    return decoded;
  }
  decoded.data = message;
  decoded.size = size;
  return decoded;
}

}  // namespace wg::datachannel
