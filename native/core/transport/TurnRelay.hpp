#pragma once

#include "../common/Random.hpp"
#include "../turn/TurnClient.hpp"

#include <cstdint>

namespace wg::transport {

// One TURN allocation of a transport: a TurnClient that talks to its server through one of the
// transport's local sockets (UDP) or through a stream of its own (TCP, TLS), and says which
// relay (index) its events are about. The transport gives ICE the relayed candidate as a path
// of its own (IceAgent::relayPath).
class TurnRelay : private turn::TurnClient::Listener {
public:
  class Owner {
  public:
    virtual ~Owner() = default;
    virtual void onRelaySend(const TurnRelay& relay, const uint8_t* data, size_t size) = 0;
    virtual void onRelayAllocated(const TurnRelay& relay, const turn::TurnAllocation& allocation) = 0;
    virtual void onRelayFailed(const TurnRelay& relay, const turn::TurnError& error) = 0;
    virtual void onRelayData(const TurnRelay& relay, const net::SocketAddress& peer, uint8_t* data, size_t size) = 0;
  };

  TurnRelay(size_t index, int socketIndex, turn::TurnClientConfig config, Random& random, Owner& owner)
      : index_(index), socketIndex_(socketIndex), owner_(owner), client_(std::move(config), random, *this) {}

  size_t index() const { return index_; }
  int socketIndex() const { return socketIndex_; }
  bool overStream() const { return client_.overStream(); }
  const net::SocketAddress& server() const { return client_.config().server; }
  turn::TurnClient& client() { return client_; }
  const turn::TurnClient& client() const { return client_; }

private:
  void onTurnSend(const uint8_t* data, size_t size) override { owner_.onRelaySend(*this, data, size); }
  void onTurnAllocated(const turn::TurnAllocation& allocation) override { owner_.onRelayAllocated(*this, allocation); }
  void onTurnFailed(const turn::TurnError& error) override { owner_.onRelayFailed(*this, error); }
  void onTurnPeerData(const net::SocketAddress& peer, uint8_t* data, size_t size) override {
    owner_.onRelayData(*this, peer, data, size);
  }

  size_t index_;
  int socketIndex_;
  Owner& owner_;
  turn::TurnClient client_;
};

}  // namespace wg::transport
