#include "TransportHost.hpp"

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

void TransportHost::attachPort(UdpPort& port, MediaKind kind) {
  detachPort(port);
  ports_.push_back({&port, kind});
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

void TransportHost::setRedirect(MediaKind kind, std::optional<net::SocketAddress> to) {
  (kind == MediaKind::Rtp ? rtpRedirect_ : rtcpRedirect_) = to;
}

void TransportHost::onPortPacket(uint32_t portHandle, const uint8_t* data, size_t size) {
  MediaKind kind = MediaKind::Rtp;
  for (const auto& a : ports_) {
    if (a.port->handle() == portHandle) kind = a.kind;
  }
  if (size + 64 > context_.scratchSize) return;
  // Each destination needs its own copy: protection encrypts in place.
  std::memcpy(context_.scratch, data, size);
  if (kind == MediaKind::Rtp) transport_->sendRtp(context_.scratch, size, context_.scratchSize);
  else transport_->sendRtcp(context_.scratch, size, context_.scratchSize);
}

void TransportHost::sendDatagram(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) {
  if (socketIndex < 0 || static_cast<size_t>(socketIndex) >= sockets_.size()) return;
  context_.outbox.send(sockets_[socketIndex]->fd(), to, data, size);
}

void TransportHost::onTransportEvent(const transport::TransportEvent& event) { listener_.onTransportEvent(handle_, event); }

void TransportHost::onRtp(uint8_t* packet, size_t size) {
  if (!rtpRedirect_) return;
  context_.outbox.send(context_.redirectFdFor(*rtpRedirect_), *rtpRedirect_, packet, size);
  ++redirected_;
}

void TransportHost::onRtcp(uint8_t* packet, size_t size) {
  if (!rtcpRedirect_) return;
  context_.outbox.send(context_.redirectFdFor(*rtcpRedirect_), *rtcpRedirect_, packet, size);
  ++redirected_;
}

}  // namespace wg::io
