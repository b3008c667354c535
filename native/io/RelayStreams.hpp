#pragma once

#include "../core/tls/TlsClientContext.hpp"
#include "../core/tls/TlsVerifyConfig.hpp"
#include "../core/turn/TurnClientConfig.hpp"
#include "EngineContext.hpp"
#include "TurnStreamConnection.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wg::io {

class TransportHost;

// The TCP and TLS connections a transport's TURN relays run over (RFC 8656 section 3.1), one
// per relay index while the transport uses it, then retired (RetiredStreams) to finish in order.
// What each says is fed to the host's transport. Loop thread only.
class RelayStreams : private TurnStreamConnection::Listener {
public:
  // The TLS context of each verification policy the transport's turns: servers use.
  using TlsContexts = std::vector<std::pair<tls::TlsVerifyConfig, std::shared_ptr<tls::TlsClientContext>>>;

  // Where a TURN relay over TCP or TLS stands, for the stats endpoint.
  struct Stats {
    size_t relay = 0;
    std::string transport;  // "tcp" or "tls"
    std::string state;      // "connecting", "open", "closed", "failed"
    TurnStreamStats stream;
  };

  RelayStreams(TransportHost& host, TlsContexts tlsContexts) : host_(host), tlsContexts_(std::move(tlsContexts)) {}
  ~RelayStreams() override;
  RelayStreams(const RelayStreams&) = delete;
  RelayStreams& operator=(const RelayStreams&) = delete;

  // Opens relay `relay`'s stream to `server` from `localAddress`'s IP; false with `error` when it cannot start.
  bool open(size_t relay, const net::SocketAddress& localAddress, const turn::TurnClientConfig& server, std::string& error);
  bool send(size_t relay, const uint8_t* data, size_t size);
  bool sendChannelData(size_t relay, uint16_t channel, const uint8_t* data, size_t size);
  // May be called from inside the stream's own callback: it finishes and goes away later, elsewhere.
  void close(size_t relay);
  std::vector<Stats> stats() const;

private:
  void onStreamOpen(TurnStreamConnection& stream) override;
  void onStreamBytes(TurnStreamConnection& stream, uint8_t* data, size_t size) override;
  void onStreamClosed(TurnStreamConnection& stream, const std::string& reason) override;
  TurnStreamConnection* stream(size_t relay) const;

  TransportHost& host_;
  TlsContexts tlsContexts_;
  std::vector<std::unique_ptr<TurnStreamConnection>> streams_;  // by relay index
  // What a stream said last, kept for the stats after it is retired.
  std::vector<std::optional<Stats>> stats_;
};

}  // namespace wg::io
