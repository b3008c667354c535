#pragma once

#include "DataChannelEvent.hpp"
#include "DcepMessage.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

struct socket;
union sctp_sockstore;
struct sctp_rcvinfo;

namespace wg::sctp {

struct SctpConfig {
  uint16_t port = 5000;  // a=sctp-port, the same on both sides (RFC 8841 section 5)
  // usrsctp's send buffer (SO_SNDBUF): a send that does not fit is refused with Full, never waited for.
  uint32_t sendBufferBytes = 1 << 20;
  // a=max-message-size we announce; larger incoming messages are dropped (counted).
  uint32_t maxMessageSize = 256 * 1024;
  uint16_t maxStreams = 1024;  // the streams we ask for, and so the bound on channels
  // True: the association advances usrsctp's timers itself (nextTimeout every 10 ms; a sans-IO
  // host). False: its host does, once for many associations (an engine's SCTP tick calling
  // UsrsctpLibrary::handleTimers, then flush() on each), and nextTimeout() is only about flushing.
  bool ownTimers = true;
};

enum class SctpSendStatus : uint8_t { Ok, NotConnected, UnknownChannel, TooLarge, Full, Failed };
const char* sctpSendStatusName(SctpSendStatus status);

struct SctpStats {
  uint64_t messagesSent = 0;
  uint64_t messagesReceived = 0;
  uint64_t droppedTooLarge = 0;  // incoming message over maxMessageSize
  uint64_t droppedMalformed = 0;  // DCEP that does not parse, data on a stream without a channel
  uint64_t droppedQueueFull = 0;  // more deliveries in one input than the pending bound
  uint64_t sendFull = 0;
  uint64_t droppedOutput = 0;  // packets usrsctp produced while the outgoing queue was full
};

// One SCTP association over DTLS (RFC 8261) carrying WebRTC data channels (RFC 8831) opened with
// DCEP (RFC 8832), on usrsctp (see UsrsctpLibrary): SCTP packets in and out as bytes, time in,
// events out through the Listener. usrsctp's packets and deliveries are queued during its calls
// (which may be made on another thread: a timer another association's host fired) and handed to
// the Listener by flush(), on the owner's thread, after each of its own calls; so a Listener may
// call back into the association.
class SctpAssociation {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // One SCTP packet to carry as DTLS application data.
    virtual void onSctpSend(const uint8_t* data, size_t size) = 0;
    virtual void onDataChannelEvent(const DataChannelEvent& event) = 0;
  };

  // `dtlsClient`: our DTLS role, which decides our stream ids (RFC 8832 section 6: the client even).
  SctpAssociation(const SctpConfig& config, bool dtlsClient, Listener& listener);
  ~SctpAssociation();
  SctpAssociation(const SctpAssociation&) = delete;
  SctpAssociation& operator=(const SctpAssociation&) = delete;

  // Both sides connect (the INIT collision is resolved by SCTP, RFC 4960 section 5.2.4).
  void start(int64_t nowUs);
  void handlePacket(int64_t nowUs, const uint8_t* data, size_t size);
  void handleTimeout(int64_t nowUs);
  std::optional<int64_t> nextTimeout() const;

  // Opens a channel on the next free stream of our parity; nullopt when not up or no stream is free.
  std::optional<uint16_t> openChannel(const DcepOpen& open);
  // A pre-negotiated channel (RFC 8832 section 4: no DCEP, both sides agree on the id out of
  // band); nullopt when not up, the id is in use or out of range.
  std::optional<uint16_t> addNegotiatedChannel(uint16_t stream, const DcepOpen& open);
  // The peer's a=max-message-size (RFC 8841 section 6); larger sends answer TooLarge. 0: no limit.
  void setRemoteMaxMessageSize(uint32_t bytes) { remoteMaxMessageSize_ = bytes; }
  uint32_t remoteMaxMessageSize() const { return remoteMaxMessageSize_; }
  // Bytes usrsctp holds to send or not yet acknowledged (its send buffer's use).
  uint32_t bufferedAmount() const;
  const DcepOpen* channel(uint16_t stream) const;
  SctpSendStatus send(uint16_t stream, bool binary, const uint8_t* data, size_t size);
  // Resets our outgoing stream; ChannelClosed follows when the peer resets its own.
  bool closeChannel(uint16_t stream);
  bool up() const { return up_; }
  const SctpStats& stats() const { return stats_; }

  // Hands what usrsctp queued (packets, deliveries) to the Listener; the owner's thread only.
  void flush();
  // Something is queued for flush() (set by callbacks on any thread).
  bool hasQueued() const { return queued_.load(std::memory_order_acquire); }

  // From UsrsctpLibrary's output callback, under its lock, on any thread: queued (bounded).
  void queuePacket(const uint8_t* data, size_t size);

private:
  struct Channel {
    DcepOpen open;
    bool acked = false;  // until then our messages go ordered (RFC 8832 section 6)
    bool resetSent = false;
  };
  struct Delivery {
    void* data;  // usrsctp's malloc, freed after handling
    size_t size;
    uint16_t stream;
    uint32_t ppid;
    int flags;
  };
  static int onReceive(struct socket* socket, union sctp_sockstore address, void* data, size_t size,
                       struct sctp_rcvinfo info, int flags, void* self);
  void configureSocket();
  void handleDelivery(const Delivery& d);
  void handleNotification(const uint8_t* data, size_t size);
  void handleStreamReset(const uint8_t* data, size_t size);
  void handleMessage(uint16_t stream, uint32_t ppid, const uint8_t* data, size_t size);
  void handleDcep(uint16_t stream, const uint8_t* data, size_t size);
  SctpSendStatus sendRaw(uint16_t stream, uint32_t ppid, const ChannelReliability& reliability, bool ordered,
                         const uint8_t* data, size_t size);
  void resetStream(uint16_t stream);
  void emit(DataChannelEvent event) { listener_.onDataChannelEvent(event); }
  // Packets usrsctp produced: bytes back to back, and their sizes.
  struct PacketQueue {
    std::vector<uint8_t> bytes;
    std::vector<uint32_t> sizes;
  };
  void failAssociation(const char* why);

  SctpConfig config_;
  bool dtlsClient_;
  Listener& listener_;
  struct socket* socket_ = nullptr;
  std::map<uint16_t, Channel> channels_;
  // Written under UsrsctpLibrary::lock() by the callbacks, swapped out by flush().
  std::vector<Delivery> pending_;
  PacketQueue packets_;
  uint64_t droppedQueueFull_ = 0;
  uint64_t droppedOutput_ = 0;
  std::atomic<bool> queued_{false};
  // The owner's side of the swap (kept to reuse their capacity).
  std::vector<Delivery> handling_;
  PacketQueue sending_;
  std::vector<uint8_t> partial_;  // a message usrsctp delivers in parts (partial delivery)
  bool partialTooLarge_ = false;
  std::vector<uint8_t> scratch_;  // DCEP messages we build
  SctpStats stats_;
  int64_t nowUs_ = 0;
  int64_t timersDueUs_ = 0;  // the next usrsctp timer tick
  bool up_ = false;
  bool failed_ = false;
  uint32_t remoteMaxMessageSize_;
  bool flushing_ = false;
};

}  // namespace wg::sctp
