#pragma once

#include "../common/Random.hpp"
#include "../net/SocketAddress.hpp"
#include "../stun/StunMessage.hpp"
#include "TurnClientConfig.hpp"
#include "TurnCredentials.hpp"
#include "TurnPermissionTable.hpp"
#include "TurnStats.hpp"
#include "TurnStreamDeframer.hpp"
#include "TurnTransactionTable.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wg::turn {

enum class TurnState : uint8_t { New, Allocating, Allocated, Closing, Closed, Failed };

const char* turnStateName(TurnState state);

struct TurnAllocation {
  net::SocketAddress relayed;  // XOR-RELAYED-ADDRESS: the relayed transport address (RFC 8656 section 7.3)
  net::SocketAddress mapped;   // XOR-MAPPED-ADDRESS: how the server sees us
  uint32_t lifetimeSeconds = 0;
};

struct TurnError {
  uint16_t code = 0;  // the STUN error code; 0 when there was no answer or the answer was unusable
  std::string reason;
  std::string server;  // the server's URL
  // "turn:192.0.2.1:3478 401 Unauthorized", or "turn:192.0.2.1:3478 no answer" without a code.
  std::string describe() const;
};

// The client side of one TURN allocation on one server (RFC 8656), sans-IO: the server's bytes
// and the time go in; bytes for the server, the allocation, failures and the peers' data come
// out through the Listener. Allocate with long-term credentials (RFC 8489 section 9.2), Refresh
// before expiry, CreatePermission and ChannelBind per peer with their refreshes, Send
// indications until a peer's channel is bound and ChannelData after, deallocation on close().
class TurnClient {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // Bytes for the server: one datagram over UDP, a piece of the stream over TCP/TLS.
    virtual void onTurnSend(const uint8_t* data, size_t size) = 0;
    virtual void onTurnAllocated(const TurnAllocation& allocation) = 0;
    // The allocation could not be made or was lost; the client does nothing more.
    virtual void onTurnFailed(const TurnError& error) = 0;
    // Data a peer sent to the relayed address; the bytes may be changed in place, not kept.
    virtual void onTurnPeerData(const net::SocketAddress& peer, uint8_t* data, size_t size) = 0;
    // The server answered the deallocation (or never will).
    virtual void onTurnClosed() {}
  };

  // Payloads up to this size can be relayed (an RTP packet, a DTLS flight's datagram).
  static constexpr size_t kMaxPayload = 2048;
  // The default allocation lifetime (RFC 8656 section 2), asked for in a Refresh when no
  // lifetime is configured.
  static constexpr uint32_t kDefaultLifetimeSeconds = 600;
  // A request whose nonce went stale is repeated at most this often (RFC 8489 section 9.2.5).
  static constexpr int kMaxStaleNonceRetries = 2;

  TurnClient(TurnClientConfig config, Random& random, Listener& listener);

  const TurnClientConfig& config() const { return config_; }
  TurnState state() const { return state_; }
  const TurnStats& stats() const { return stats_; }
  const std::optional<TurnAllocation>& allocation() const { return allocation_; }
  const TurnPermissionTable& peers() const { return peers_; }
  bool overStream() const { return config_.transport != TurnTransport::Udp; }

  // Sends the first Allocate.
  void start(int64_t nowUs);
  // One datagram from the server (UDP).
  void handleDatagram(int64_t nowUs, uint8_t* data, size_t size);
  // The next piece of the server's byte stream (TCP, or TLS once decrypted).
  void handleStreamBytes(int64_t nowUs, uint8_t* data, size_t size);
  // The stream to the server could not be opened or ended (`reason` says why): the allocation
  // is gone with it (RFC 8656 section 3.1: over TCP/TLS it lives as long as the connection).
  // While deallocating that is the end of the close; otherwise a failure.
  void handleStreamClosed(const std::string& reason);
  void handleTimeout(int64_t nowUs);
  std::optional<int64_t> nextTimeout() const;

  // Asks for a permission for the peer's IP (RFC 8656 section 10), sent once the allocation
  // exists, refreshed while it does. False if the table is full or the server refused that IP.
  bool createPermission(int64_t nowUs, const net::SocketAddress& peer);
  // Binds a channel to the peer (RFC 8656 section 12), refreshed while the allocation exists.
  bool bindChannel(int64_t nowUs, const net::SocketAddress& peer);

  // Relays data to a peer: ChannelData once its channel is bound, a Send indication before.
  // False (and counted) without an allocation or a permission for the peer, or when too large.
  bool send(const net::SocketAddress& peer, const uint8_t* data, size_t size);
  // The hot path without the copy send() makes: the bound channel to a peer, for a caller that
  // writes the 4-byte header (writeChannelDataHeader) in front of the payload itself, and then
  // counts it with countChannelDataSent().
  std::optional<uint16_t> channelFor(const net::SocketAddress& peer) const {
    return state_ == TurnState::Allocated ? peers_.boundChannel(peer) : std::nullopt;
  }
  void countChannelDataSent(size_t payloadSize) {
    ++stats_.channelDataSent;
    stats_.bytesSent += payloadSize;
  }

  // Deallocates (a Refresh with LIFETIME 0, RFC 8656 section 8) if allocated; then nothing more.
  void close(int64_t nowUs);

private:
  void handleFrame(int64_t nowUs, uint8_t* data, size_t size);
  void handleResponse(int64_t nowUs, const stun::StunMessage& m);
  void handleSuccess(int64_t nowUs, const TurnTransaction& t, const stun::StunMessage& m);
  void handleRequestFailure(int64_t nowUs, const TurnTransaction& t, uint16_t code, const std::string& reason);
  void handleDataIndication(const stun::StunMessage& m);
  bool sendRequest(int64_t nowUs, TurnRequestKind kind, size_t subject, int staleRetries);
  // The peer side, in TurnClientPeers.cpp. Asks for a permission or channel (again, if it
  // failed) now if the allocation exists, else once it does.
  void requestLease(int64_t nowUs, TurnRequestKind kind, size_t index, TurnPermissionTable::Lease& lease);
  // Sends a CreatePermission / ChannelBind for each entry waiting for one: those requested before
  // the allocation existed or, with `refreshes`, the installed ones whose refresh is due.
  void sendPeerRequests(int64_t nowUs, bool refreshes);
  void handlePeerSuccess(int64_t nowUs, const TurnTransaction& t);
  void handlePeerFailure(const TurnTransaction& t, uint16_t code);
  void scheduleRefresh(int64_t nowUs, uint32_t lifetimeSeconds);
  void fail(uint16_t code, const std::string& reason);
  void finishClose();
  stun::TransactionId newTransactionId();

  TurnClientConfig config_;
  Random& random_;
  Listener& listener_;
  TurnCredentials credentials_;
  TurnState state_ = TurnState::New;
  TurnStats stats_;
  TurnTransactionTable transactions_;
  TurnPermissionTable peers_;
  TurnStreamDeframer deframer_;
  std::optional<TurnAllocation> allocation_;
  std::optional<int64_t> refreshAtUs_;
  // Where Send indications and ChannelData are built: allocated once.
  std::vector<uint8_t> sendBuffer_;
};

}  // namespace wg::turn
