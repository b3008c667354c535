#pragma once

#include <cstddef>
#include <cstdint>

namespace wg::datachannel {

// Why a datagram or a DataChannel message was not delivered, in the order and with the names of
// src/session/data/DropReason.ts. The data path never throws: it drops and counts under one of these.
enum class DropReason : uint8_t {
  ChannelNotOpen,  // a datagram before the channel opened or after it closed
  BufferFull,      // the channel's send queue is past its limit (backpressure)
  TooLarge,        // larger than the remote accepts in one message, or than one UDP datagram carries
  InvalidJson,     // not one JSON text, under JSON
  InvalidUtf8,     // not UTF-8 where text is required (JSON, BINARY_UTF8 datagrams)
  Malformed,       // not BinaryPack, or a chunk that does not fit its message
  Incomplete,      // a chunked message whose other chunks never came (evicted to bound memory)
  NoRedirect,      // a message before the connection has a redirect address
  SendFailed,      // the channel or the socket refused the send
};

constexpr size_t kDropReasonCount = 9;

// "channel_not_open", "buffer_full", ...: the names DropReason.ts and the stats use.
const char* dropReasonName(DropReason reason);

}  // namespace wg::datachannel
