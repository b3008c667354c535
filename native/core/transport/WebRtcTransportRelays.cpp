// WebRtcTransport's TURN relays (RFC 8656): which servers get an allocation from which socket,
// their streams over TCP/TLS, and what each relay reports back to ICE.
#include "WebRtcTransport.hpp"

#include <algorithm>

namespace wg::transport {

namespace {
// Allocations per transport: a few servers times a few sockets.
constexpr size_t kMaxRelays = 16;
}  // namespace

ice::IceConfig WebRtcTransport::planRelays(TransportConfig& config, std::vector<PlannedRelay>& plan,
                                           std::vector<turn::TurnError>& refused) {
  const auto& hosts = config.ice.hostAddresses;
  for (auto& server : config.turnServers) {
    if (server.url.empty()) server.url = "turn:" + server.server.toString();
    bool stream = server.transport != turn::TurnTransport::Udp;
    bool planned = false;
    bool sameFamily = false;
    for (size_t i = 0; i < hosts.size(); ++i) {
      if (hosts[i].family() != server.server.family()) continue;
      sameFamily = true;
      // A stream is a connection of its own from the host socket's IP; a UDP allocation needs a
      // local socket that is this transport's alone.
      int socket = static_cast<int>(i);
      if (!stream && !config.turnSockets.empty()) socket = i < config.turnSockets.size() ? config.turnSockets[i] : -1;
      if (socket < 0) continue;
      if (plan.size() >= kMaxRelays) break;
      plan.push_back({socket, server});
      planned = true;
    }
    if (!planned) {
      refused.push_back({0, sameFamily ? "no socket of this transport can reach it" : "no local address of its address family",
                         server.url});
    }
  }
  // Relays reached over UDP first, then TCP, then TLS: a relay path's candidates get a local
  // preference by its order (RFC 8445 section 5.1.2.1), and a stream to the server adds
  // head-of-line blocking to the media.
  std::stable_sort(plan.begin(), plan.end(), [](const PlannedRelay& a, const PlannedRelay& b) {
    return static_cast<int>(a.server.transport) < static_cast<int>(b.server.transport);
  });
  ice::IceConfig ice = std::move(config.ice);
  ice.relayPaths = plan.size();
  return ice;
}

void WebRtcTransport::emitTurnFailed(const turn::TurnError& error) {
  TransportEvent event{TransportEventKind::TurnFailed, error.describe(), error.server, {}};
  event.code = error.code;
  output_.onTransportEvent(event);
}

// Over UDP the Allocate goes at once; over TCP or TLS once the stream is open, and a stream that
// cannot open fails the relay: one attempt per gathering, never a reconnect loop.
void WebRtcTransport::startRelay(TurnRelay& relay) {
  if (!relay.overStream()) {
    relay.client().start(nowUs_);
    return;
  }
  std::string error;
  if (!output_.openRelayStream(relay.index(), relay.socketIndex(), relay.client().config(), error))
    relay.client().handleStreamClosed(error);
}

void WebRtcTransport::handleRelayStreamOpen(int64_t nowUs, size_t relay) {
  nowUs_ = nowUs;
  if (closed_ || relay >= relays_.size() || !relays_[relay]->overStream()) return;
  relays_[relay]->client().start(nowUs);
}

void WebRtcTransport::handleRelayStreamBytes(int64_t nowUs, size_t relay, uint8_t* data, size_t size) {
  nowUs_ = nowUs;
  if (closed_ || relay >= relays_.size() || !relays_[relay]->overStream()) return;
  relays_[relay]->client().handleStreamBytes(nowUs, data, size);
}

void WebRtcTransport::handleRelayStreamClosed(int64_t nowUs, size_t relay, const std::string& reason) {
  nowUs_ = nowUs;
  if (relay >= relays_.size() || !relays_[relay]->overStream()) return;
  relays_[relay]->client().handleStreamClosed(reason);
}

// The allocations go (RFC 8656 section 8: a Refresh with LIFETIME 0), and the streams after
// their deallocation; nothing answers back any more.
void WebRtcTransport::closeRelays() {
  for (auto& relay : relays_) {
    relay->client().close(nowUs_);
    if (relay->overStream()) output_.closeRelayStream(relay->index());
  }
}

void WebRtcTransport::onRelaySend(const TurnRelay& relay, const uint8_t* data, size_t size) {
  // A message the stream drops is as lost as a datagram: the transaction's timeout handles it.
  if (relay.overStream()) output_.sendRelayStream(relay.index(), data, size);
  else output_.sendDatagram(relay.socketIndex(), relay.server(), data, size);
}

void WebRtcTransport::onRelayAllocated(const TurnRelay& relay, const turn::TurnAllocation& allocation) {
  if (closed_) return;
  ice_.relayGathered(nowUs_, relay.index(),
                     ice::IceAgent::RelayedCandidate{allocation.relayed, allocation.mapped, relay.client().config().url});
}

void WebRtcTransport::onRelayFailed(const TurnRelay& relay, const turn::TurnError& error) {
  emitTurnFailed(error);
  if (relay.overStream()) output_.closeRelayStream(relay.index());
  // Before its allocation, the relay's gathering ends without a candidate; after it, the pairs
  // through it lose consent and fail as any other path would.
  if (!relay.client().allocation()) ice_.relayGathered(nowUs_, relay.index(), std::nullopt);
}

void WebRtcTransport::onRelayData(const TurnRelay& relay, const net::SocketAddress& peer, uint8_t* data, size_t size) {
  handlePeerDatagram(nowUs_, ice_.relayPath(relay.index()), peer, data, size);
}

}  // namespace wg::transport
