#pragma once

#include "../sctp/SctpAssociation.hpp"
#include "PeerJsCodec.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wg::datachannel {

struct DataPipeConfig {
  Serialization serialization = Serialization::None;
  // data_buffer_limit: a datagram that would leave more than this queued in SCTP (not yet
  // acknowledged) is dropped 'buffer_full'. 0: only usrsctp's own send buffer limits.
  uint32_t bufferLimitBytes = 0;
};

enum class Direction : uint8_t { ToRemote, FromRemote };
const char* directionName(Direction direction);  // "to_remote", "from_remote"

struct DataPipeCounters {
  uint64_t sentMessages = 0;  // datagrams sent as messages (a chunked one counts once)
  uint64_t sentBytes = 0;     // their datagram bytes
  uint64_t receivedMessages = 0;  // datagrams delivered to the redirect (a chunked message counts once)
  uint64_t receivedBytes = 0;     // their datagram bytes
  std::array<uint64_t, kDropReasonCount> droppedToRemote{};
  std::array<uint64_t, kDropReasonCount> droppedFromRemote{};
};

struct DropReport {
  Direction direction;
  DropReason reason;
  uint64_t count;  // since the last report
};

// One DataConnection's data path, sans-IO: a user's datagram -> the codec's messages -> SCTP on
// the connection's channel, and a message from the peer -> the codec -> a datagram to the user
// (or, for a value only TypeScript handles, up to it). Decides and counts every drop (docs/DATA.md
// reasons) and never blocks: a full SCTP send buffer drops 'buffer_full'.
class DataChannelPipe {
public:
  class Output {
  public:
    virtual ~Output() = default;
    // One binary message on the connection's channel.
    virtual sctp::SctpSendStatus sendMessage(const uint8_t* data, size_t size) = 0;
    // Bytes SCTP holds, not yet acknowledged.
    virtual uint32_t bufferedAmount() = 0;
    // A datagram to the user's redirect address; false when there is none.
    virtual bool sendDatagram(const uint8_t* data, size_t size) = 0;
    // A value only TypeScript decodes; false when it could not be queued.
    virtual bool sendToJs(bool binary, const uint8_t* data, size_t size) = 0;
    // The peer's in-band close (PeerJS).
    virtual void onRemoteClose() = 0;
  };

  DataChannelPipe(const DataPipeConfig& config, Output& output);

  // Whether the connection's channel is open (messages may be sent).
  void setOpen(bool open) { open_ = open; }
  bool open() const { return open_; }

  // A datagram from a data port.
  void onDatagram(const uint8_t* data, size_t size);
  // A message from the peer on the connection's channel.
  void onMessage(bool binary, const uint8_t* data, size_t size);
  // A message on another channel (only the first is the connection's).
  void onStrayMessage() { drop(Direction::FromRemote, DropReason::Malformed); }
  // A datagram TypeScript decoded (the slow path), sent like the native ones.
  bool deliverDatagram(const uint8_t* data, size_t size);
  void drop(Direction direction, DropReason reason, uint64_t count = 1);

  const DataPipeCounters& counters() const { return counters_; }
  const DataPipeConfig& config() const { return config_; }
  bool hasNewDrops() const { return unreported_; }
  // What was dropped since the last call, per direction and reason.
  void takeDropReports(std::vector<DropReport>& out);

private:
  DataPipeConfig config_;
  Output& output_;
  PeerJsCodec codec_;
  std::vector<MessageSpan> spans_;
  DataPipeCounters counters_;
  DataPipeCounters reported_;
  bool open_ = false;
  bool unreported_ = false;
};

}  // namespace wg::datachannel
