#include "TransportHost.hpp"

#include "Clock.hpp"

#include <algorithm>

namespace wg::io {

TransportHost::TransportHost(uint32_t handle, transport::TransportConfig config, std::vector<HostSocket> sockets,
                             std::vector<TurnSocket> turnSockets, TlsContexts tlsContexts,
                             std::shared_ptr<dtls::DtlsContext> dtls, Random& random, EngineContext& context,
                             Listener& listener)
    : handle_(handle), context_(context), listener_(listener), relays_(*this, std::move(tlsContexts)) {
  config.ice.hostAddresses.clear();
  // A shared socket cannot carry TURN: every transport on it would be one 5-tuple to the
  // server. Its UDP allocations go through a TURN socket of this transport's, if it was given one.
  config.turnSockets.assign(sockets.size(), -1);
  for (size_t i = 0; i < sockets.size(); ++i) {
    LocalSocket local;
    if (auto* shared = std::get_if<SharedTransportSocket*>(&sockets[i])) {
      local.shared = *shared;
      config.ice.hostAddresses.push_back(local.shared->localAddress());
    } else {
      UdpSocket& own = std::get<UdpSocket>(sockets[i]);
      config.ice.hostAddresses.push_back(own.localAddress());
      local.own = std::make_unique<TransportSocket>(*this, static_cast<int>(i), std::move(own));
      config.turnSockets[i] = static_cast<int>(i);
    }
    sockets_.push_back(std::move(local));
  }
  for (auto& turn : turnSockets) {
    int index = static_cast<int>(sockets_.size());
    if (turn.hostIndex >= 0 && static_cast<size_t>(turn.hostIndex) < sockets.size() && sockets_[turn.hostIndex].shared)
      config.turnSockets[turn.hostIndex] = index;
    LocalSocket local;
    local.own = std::make_unique<TransportSocket>(*this, index, std::move(turn.socket));
    sockets_.push_back(std::move(local));
  }
  // The engine's one SCTP tick drives usrsctp's timers for all its associations.
  config.sctp.ownTimers = false;
  transport_ = std::make_unique<transport::WebRtcTransport>(std::move(config), std::move(dtls), random,
                                                            static_cast<transport::WebRtcTransport::Output&>(*this));
  uint32_t receiverSsrc = random.u32() | 1;
  auto rtxFirstSequence = static_cast<uint16_t>(random.u32());
  // The session's NTP clock moves with the loop's monotonic one from here (see NtpAnchor).
  media::NtpAnchor clock{monotonicMicros(), ntpNow()};
  media_ = std::make_unique<media::MediaSession>(receiverSsrc, rtxFirstSequence, clock, context_.scratch, context_.scratchSize,
                                                 static_cast<media::MediaSession::Output&>(*this));
}

TransportHost::~TransportHost() {
  detachAllPorts();
  if (timer_) context_.loop.timers().cancel(*timer_);
  if (active_) {
    for (auto& s : sockets_) {
      if (s.own) context_.loop.remove(s.own->fd());
      else s.shared->detach(*this);
    }
  }
}

void TransportHost::activate(int64_t nowUs) {
  active_ = true;
  for (size_t i = 0; i < sockets_.size(); ++i) {
    LocalSocket& s = sockets_[i];
    if (s.own) context_.loop.add(s.own->fd(), s.own.get());
    else s.shared->attach(*this, static_cast<int>(i));
  }
  transport_->start(nowUs);
  reschedule();
}

bool TransportHost::restartIce(const std::string& ufrag, const std::string& password) {
  if (!transport_->restartIce(context_.loop.now(), ufrag, password)) return false;
  for (auto& s : sockets_) {
    if (s.shared && active_) s.shared->addUfrag(*this);
  }
  return true;
}

void TransportHost::handleDatagram(int socketIndex, const net::SocketAddress& from, uint8_t* data, size_t size) {
  transport_->handleDatagram(context_.loop.now(), socketIndex, from, data, size);
}

void TransportHost::reschedule() {
  std::optional<int64_t> next = transport_->nextTimeout();
  if (auto media = media_->nextTimeout(); media && (!next || *media < *next)) next = media;
  if (next == scheduledUs_) return;
  if (timer_) context_.loop.timers().cancel(*timer_);
  timer_.reset();
  scheduledUs_ = next;
  if (next) timer_ = context_.loop.timers().schedule(*next, [this] { onTimer(); });
}

void TransportHost::onTimer() {
  timer_.reset();
  scheduledUs_.reset();
  int64_t now = context_.loop.now();
  if (auto due = transport_->nextTimeout(); due && *due <= now) transport_->handleTimeout(now);
  if (auto due = media_->nextTimeout(); due && *due <= now) media_->handleTimeout(now);
  reschedule();
}

void TransportHost::attachPort(UdpPort& port, PacketKind kind, MediaKind media) {
  detachPort(port);
  ports_.push_back({&port, kind, media});
  port.attach(this);
  updateSources();
}

void TransportHost::detachPort(UdpPort& port) {
  auto it = std::find_if(ports_.begin(), ports_.end(), [&](const Attachment& a) { return a.port == &port; });
  if (it == ports_.end()) return;
  if (it->data) port.setDataPort(false);
  port.detach(this);
  ports_.erase(it);
  updateSources();
}

void TransportHost::detachAllPorts() {
  for (auto& a : ports_) a.port->detach(this);
  ports_.clear();
  updateSources();
}

void TransportHost::updateSources() {
  for (size_t k = 0; k < media::kMediaKinds; ++k) {
    auto kind = static_cast<MediaKind>(k);
    auto first = std::find_if(ports_.begin(), ports_.end(), [&](const Attachment& a) { return !a.data && a.kind == PacketKind::Rtp && a.media == kind; });
    media_->setSource(kind, first == ports_.end() ? nullptr : &first->port->fanout());
  }
}

void TransportHost::onPortPacket(uint32_t portHandle, const uint8_t* data, size_t size, const rtp::RtpHeader* rtp) {
  const Attachment* attachment = nullptr;
  for (const auto& a : ports_) {
    if (a.port->handle() == portHandle) attachment = &a;
  }
  if (!attachment) return;
  if (attachment->data) {
    if (pipe_) pipe_->onDatagram(data, size);
    return;
  }
  if (attachment->kind == PacketKind::Rtp) media_->onUserRtp(attachment->media, data, size, rtp, context_.loop.now());
  else media_->onUserRtcp(attachment->media, data, size);
}

TransportHost::RoutingStats TransportHost::routingStats() const {
  RoutingStats stats = media_->routingStats();
  stats.redirected = redirects_.sent;
  stats.redirectDropped = redirects_.dropped;
  return stats;
}

void TransportHost::sendDatagram(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) {
  if (socketIndex < 0 || static_cast<size_t>(socketIndex) >= sockets_.size()) return;
  const LocalSocket& s = sockets_[socketIndex];
  if (s.shared) s.shared->send(*this, to, data, size);
  else context_.outbox.send(s.own->fd(), to, data, size);
}

void TransportHost::sendChannelData(int socketIndex, const net::SocketAddress& server, uint16_t channel,
                                    const uint8_t* data, size_t size) {
  if (socketIndex < 0 || static_cast<size_t>(socketIndex) >= sockets_.size()) return;
  const LocalSocket& s = sockets_[socketIndex];
  if (s.shared) {
    transport::WebRtcTransport::Output::sendChannelData(socketIndex, server, channel, data, size);
    return;
  }
  uint8_t header[turn::kChannelDataHeaderSize];
  turn::writeChannelDataHeader(header, channel, static_cast<uint16_t>(size));
  context_.outbox.send(s.own->fd(), server, header, sizeof header, data, size);
}

bool TransportHost::openRelayStream(size_t relay, int socketIndex, const turn::TurnClientConfig& server, std::string& error) {
  if (socketIndex < 0 || static_cast<size_t>(socketIndex) >= sockets_.size()) {
    error = "no local socket for it";
    return false;
  }
  const LocalSocket& local = sockets_[socketIndex];
  return relays_.open(relay, local.own ? local.own->localAddress() : local.shared->localAddress(), server, error);
}

void TransportHost::onTransportEvent(const transport::TransportEvent& event) {
  if (event.kind == transport::TransportEventKind::Connected) media_->onConnected(context_.loop.now());
  if (event.kind == transport::TransportEventKind::Closed) media_->onDisconnected();
  listener_.onTransportEvent(handle_, event);
}

bool TransportHost::sendRtpToPeer(uint8_t* packet, size_t size, size_t capacity, const rtp::RtpHeader* header) {
  return transport_->sendRtp(packet, size, capacity, header) == transport::SendStatus::Ok;
}

bool TransportHost::sendRtcpToPeer(uint8_t* packet, size_t size, size_t capacity) {
  return transport_->sendRtcp(packet, size, capacity) == transport::SendStatus::Ok;
}

void TransportHost::sendToUser(const net::SocketAddress& to, const uint8_t* data, size_t size) {
  context_.outbox.send(context_.redirectFdFor(to), to, data, size, &redirects_);
}

}  // namespace wg::io
