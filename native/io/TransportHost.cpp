#include "TransportHost.hpp"

#include "../core/rtcp/PictureLossIndication.hpp"
#include "../core/rtcp/RtcpCompound.hpp"
#include "Clock.hpp"

#include <cstring>

namespace wg::io {

void TransportSocket::onReadable() {
  RecvBatch& batch = host_.context().recvBatch;
  // A few batches per wake-up, then other sockets get their turn (epoll is level-triggered).
  for (int round = 0; round < 8; ++round) {
    int n = batch.receive(socket_.fd());
    if (n <= 0) break;
    for (int i = 0; i < n; ++i) {
      if (!batch.truncated(i)) host_.handleDatagram(index_, batch.source(i), batch.data(i), batch.size(i));
    }
    if (static_cast<size_t>(n) < batch.capacity()) break;
  }
  host_.reschedule();
}

TransportHost::TransportHost(uint32_t handle, transport::TransportConfig config, std::vector<UdpSocket> sockets,
                             std::shared_ptr<dtls::DtlsContext> dtls, Random& random, EngineContext& context,
                             Listener& listener)
    : handle_(handle), context_(context), listener_(listener) {
  config.ice.hostAddresses.clear();
  for (size_t i = 0; i < sockets.size(); ++i) {
    config.ice.hostAddresses.push_back(sockets[i].localAddress());
    sockets_.push_back(std::make_unique<TransportSocket>(*this, static_cast<int>(i), std::move(sockets[i])));
  }
  transport_ = std::make_unique<transport::WebRtcTransport>(std::move(config), std::move(dtls), random,
                                                            static_cast<transport::WebRtcTransport::Output&>(*this));
}

TransportHost::~TransportHost() {
  detachAllPorts();
  if (timer_) context_.loop.timers().cancel(*timer_);
  if (active_) {
    for (auto& s : sockets_) context_.loop.remove(s->fd());
  }
}

void TransportHost::activate(int64_t nowUs) {
  active_ = true;
  for (auto& s : sockets_) context_.loop.add(s->fd(), s.get());
  transport_->start(nowUs);
  reschedule();
}

void TransportHost::handleDatagram(int socketIndex, const net::SocketAddress& from, uint8_t* data, size_t size) {
  transport_->handleDatagram(context_.loop.now(), socketIndex, from, data, size);
}

void TransportHost::reschedule() {
  std::optional<int64_t> next = transport_->nextTimeout();
  if (next == scheduledUs_) return;
  if (timer_) context_.loop.timers().cancel(*timer_);
  timer_.reset();
  scheduledUs_ = next;
  if (next) timer_ = context_.loop.timers().schedule(*next, [this] { onTimer(); });
}

void TransportHost::onTimer() {
  timer_.reset();
  scheduledUs_.reset();
  transport_->handleTimeout(monotonicMicros());
  reschedule();
}

void TransportHost::attachPort(UdpPort& port, PacketKind kind, MediaKind media) {
  detachPort(port);
  ports_.push_back({&port, kind, media});
  port.attach(this);
}

void TransportHost::detachPort(UdpPort& port) {
  for (auto it = ports_.begin(); it != ports_.end(); ++it) {
    if (it->port == &port) {
      port.detach(this);
      ports_.erase(it);
      return;
    }
  }
}

void TransportHost::detachAllPorts() {
  for (auto& a : ports_) a.port->detach(this);
  ports_.clear();
}

void TransportHost::setOutboundStream(MediaKind media, std::optional<media::OutboundStreamConfig> config) {
  auto& slot = outbound_[media::index(media)];
  if (config) slot.emplace(*config);
  else slot.reset();
  inbound_.setLocalSsrc(media, config ? std::optional<uint32_t>(config->ssrc) : std::nullopt);
}

void TransportHost::setInboundRoutes(std::vector<media::InboundRoute> routes) { inbound_.setRoutes(std::move(routes)); }

void TransportHost::setRedirect(PacketKind kind, MediaKind media, std::optional<net::SocketAddress> to) {
  (kind == PacketKind::Rtp ? rtpRedirect_ : rtcpRedirect_)[media::index(media)] = to;
}

bool TransportHost::requestKeyframe() {
  auto remote = inbound_.remoteVideoSsrc();
  if (!remote || !transport_->connected()) return false;
  // RFC 4585 section 6.3.1: the sender SSRC is ours; a receive-only connection has none, and
  // RFC 3550 lets a pure receiver use any SSRC of its own, so 1 stands in for it.
  uint32_t sender = inbound_.localSsrc(MediaKind::Video).value_or(1);
  uint8_t pli[rtcp::kPliSize + 64];
  rtcp::writePictureLossIndication(pli, sender, *remote);
  return transport_->sendRtcp(pli, rtcp::kPliSize, sizeof pli) == srtp::SrtpStatus::Ok;
}

void TransportHost::onPortPacket(uint32_t portHandle, const uint8_t* data, size_t size) {
  const Attachment* attachment = nullptr;
  for (const auto& a : ports_) {
    if (a.port->handle() == portHandle) attachment = &a;
  }
  if (!attachment || size + 64 > context_.scratchSize) return;
  // Each destination needs its own copy: rewriting and protection work in place.
  std::memcpy(context_.scratch, data, size);
  auto& rewriter = outbound_[media::index(attachment->media)];
  if (attachment->kind == PacketKind::Rtp) {
    if (rewriter && !rewriter->rewriteRtp(context_.scratch, size, context_.loop.now())) return;
    if (transport_->sendRtp(context_.scratch, size, context_.scratchSize) == srtp::SrtpStatus::Ok)
      ++sent_[media::index(attachment->media)];
  } else {
    // Without a stream of ours to rewrite for (a receive-only call), the user's RTCP, such as
    // feedback about the remote's stream, goes as it is, if it is RTCP at all.
    bool ok = rewriter ? rewriter->rewriteRtcp(context_.scratch, size) : rtcp::RtcpCompound(context_.scratch, size).valid();
    if (!ok) {
      ++outboundDropped_;
      return;
    }
    transport_->sendRtcp(context_.scratch, size, context_.scratchSize);
  }
}

TransportHost::RoutingStats TransportHost::routingStats() const {
  RoutingStats stats;
  stats.redirected = redirected_;
  stats.sent = sent_;
  stats.outboundDropped = outboundDropped_;
  for (const auto& rewriter : outbound_) {
    if (!rewriter) continue;
    stats.outboundDropped += rewriter->stats().malformed + rewriter->stats().wrongPayloadType;
    stats.outboundSourceRestarts += rewriter->stats().sourceRestarts;
  }
  stats.inbound = inbound_.stats();
  return stats;
}

void TransportHost::sendDatagram(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) {
  if (socketIndex < 0 || static_cast<size_t>(socketIndex) >= sockets_.size()) return;
  context_.outbox.send(sockets_[socketIndex]->fd(), to, data, size);
}

void TransportHost::onTransportEvent(const transport::TransportEvent& event) { listener_.onTransportEvent(handle_, event); }

void TransportHost::onRtp(uint8_t* packet, size_t size) {
  if (auto media = inbound_.routeRtp(packet, size)) redirect(rtpRedirect_[media::index(*media)], packet, size);
}

void TransportHost::onRtcp(uint8_t* packet, size_t size) {
  if (!inbound_.splitRtcp(packet, size, rtcpSplit_)) return;
  for (size_t k = 0; k < media::kMediaKinds; ++k) {
    auto& part = rtcpSplit_.parts[k];
    if (part.empty()) continue;
    // Feedback about the stream we send goes back in the terms of the user's own sender.
    if (outbound_[k]) outbound_[k]->restoreRemoteRtcp(part.data(), part.size());
    redirect(rtcpRedirect_[k], part.data(), part.size());
  }
}

void TransportHost::redirect(const std::optional<net::SocketAddress>& to, const uint8_t* data, size_t size) {
  if (!to) return;
  context_.outbox.send(context_.redirectFdFor(*to), *to, data, size);
  ++redirected_;
}

}  // namespace wg::io
