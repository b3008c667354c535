#include "RelayStreams.hpp"

#include "RetiredStreams.hpp"
#include "TransportHost.hpp"

namespace wg::io {

RelayStreams::~RelayStreams() {
  // Streams the transport did not let go of (it was never closed) still finish in order.
  for (auto& stream : streams_) host_.context().retiredStreams.retire(std::move(stream));
}

TurnStreamConnection* RelayStreams::stream(size_t relay) const {
  return relay < streams_.size() ? streams_[relay].get() : nullptr;
}

bool RelayStreams::open(size_t relay, const net::SocketAddress& localAddress, const turn::TurnClientConfig& server,
                        std::string& error) {
  EngineContext& context = host_.context();
  TurnStreamSettings settings;
  settings.server = server.server;
  // From the host socket's IP, so the configured media address is honored.
  settings.tcp.localAddress = localAddress.withPort(0);
  bool overTls = server.transport == turn::TurnTransport::Tls;
  if (overTls) {
    for (const auto& [verify, tls] : tlsContexts_) {
      if (verify == server.tlsVerify) settings.tls = tls;
    }
    if (!settings.tls) {
      error = std::string("no TLS context for the verification policy '") + tls::tlsVerifyModeName(server.tlsVerify.mode) + "'";
      return false;
    }
    settings.serverName = server.host.empty() ? server.server.ipString() : server.host;
  }
  auto connection = std::make_unique<TurnStreamConnection>(context.loop, relay, std::move(settings),
                                                           static_cast<TurnStreamConnection::Listener*>(this));
  if (streams_.size() <= relay) {
    streams_.resize(relay + 1);
    stats_.resize(relay + 1);
  }
  stats_[relay] = Stats{relay, overTls ? "tls" : "tcp", "connecting", {}};
  if (!connection->open(error)) {
    stats_[relay]->state = "failed";
    stats_[relay]->stream = connection->stats();
    context.retiredStreams.retire(std::move(connection));
    return false;
  }
  streams_[relay] = std::move(connection);
  return true;
}

bool RelayStreams::send(size_t relay, const uint8_t* data, size_t size) {
  TurnStreamConnection* s = stream(relay);
  return s != nullptr && s->send(data, size);
}

bool RelayStreams::sendChannelData(size_t relay, uint16_t channel, const uint8_t* data, size_t size) {
  TurnStreamConnection* s = stream(relay);
  return s != nullptr && s->sendChannelData(channel, data, size);
}

void RelayStreams::close(size_t relay) {
  if (relay >= streams_.size() || !streams_[relay]) return;
  stats_[relay]->stream = streams_[relay]->stats();
  if (stats_[relay]->state != "failed") stats_[relay]->state = "closed";
  host_.context().retiredStreams.retire(std::move(streams_[relay]));
}

void RelayStreams::onStreamOpen(TurnStreamConnection& stream) {
  stats_[stream.relay()]->state = "open";
  host_.core().handleRelayStreamOpen(host_.context().loop.now(), stream.relay());
  host_.reschedule();
}

void RelayStreams::onStreamBytes(TurnStreamConnection& stream, uint8_t* data, size_t size) {
  host_.core().handleRelayStreamBytes(host_.context().loop.now(), stream.relay(), data, size);
  host_.reschedule();
}

void RelayStreams::onStreamClosed(TurnStreamConnection& stream, const std::string& reason) {
  size_t relay = stream.relay();
  stats_[relay]->state = "failed";
  // The relay fails with the reason, and lets go of the stream (close()).
  host_.core().handleRelayStreamClosed(host_.context().loop.now(), relay, reason);
  close(relay);
  host_.reschedule();
}

std::vector<RelayStreams::Stats> RelayStreams::stats() const {
  std::vector<Stats> out;
  for (size_t i = 0; i < stats_.size(); ++i) {
    if (!stats_[i]) continue;
    Stats s = *stats_[i];
    if (streams_[i]) s.stream = streams_[i]->stats();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace wg::io
