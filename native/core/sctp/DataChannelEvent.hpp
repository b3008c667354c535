#pragma once

#include "DcepMessage.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace wg::sctp {

enum class DataChannelEventKind : uint8_t {
  AssociationUp,      // SCTP is established (COMM_UP): channels may be opened
  ChannelOpened,      // a channel is usable: the peer's OPEN arrived (we sent the ACK) or ours was ACKed
  Message,            // a whole message on `stream`
  ChannelClosed,      // the peer reset its outgoing stream (RFC 8831 section 6.7); ours is reset too
  AssociationFailed,  // lost, refused, aborted or shut down: text says which; nothing follows
};

const char* dataChannelEventName(DataChannelEventKind kind);

// What an SctpAssociation reports. `data`/`size` (Message) are valid only during the call.
struct DataChannelEvent {
  DataChannelEventKind kind;
  uint16_t stream = 0;
  bool binary = false;
  bool remote = false;  // ChannelOpened: the peer opened it
  const uint8_t* data = nullptr;
  size_t size = 0;
  const DcepOpen* open = nullptr;  // ChannelOpened: label, protocol, reliability
  const char* text = "";
};

}  // namespace wg::sctp
