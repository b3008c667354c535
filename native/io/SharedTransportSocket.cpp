#include "SharedTransportSocket.hpp"

#include "DrainSocket.hpp"
#include "TransportHost.hpp"

namespace wg::io {

SharedTransportSocket::SharedTransportSocket(UdpSocket socket, EngineContext& context)
    : socket_(std::move(socket)), context_(context) {}

SharedTransportSocket::~SharedTransportSocket() {
  if (active_) context_.loop.remove(socket_.fd());
}

void SharedTransportSocket::activate() {
  active_ = true;
  context_.loop.add(socket_.fd(), this);
}

void SharedTransportSocket::attach(TransportHost& host, int socketIndex) {
  if (!demux_.addOwner(host.handle(), host.core().iceUfrag())) {
    // 48 random bits of ufrag: practically never; the transport then fails ICE and says so.
    ++ufragCollisions_;
    return;
  }
  hosts_[host.handle()] = {&host, socketIndex};
}

void SharedTransportSocket::detach(TransportHost& host) {
  auto it = hosts_.find(host.handle());
  if (it == hosts_.end() || it->second.host != &host) return;
  demux_.removeOwner(host.handle());
  hosts_.erase(it);
}

void SharedTransportSocket::addUfrag(TransportHost& host) {
  auto it = hosts_.find(host.handle());
  if (it == hosts_.end() || it->second.host != &host) return;
  if (!demux_.addUfrag(host.handle(), host.core().iceUfrag())) ++ufragCollisions_;
}

void SharedTransportSocket::send(TransportHost& host, const net::SocketAddress& to, const uint8_t* data, size_t size) {
  // RFC 7983: only STUN (first byte 0..3) teaches the demultiplexer anything.
  if (size > 0 && data[0] <= 3) demux_.onSend(host.handle(), to, data, size, context_.loop.now());
  context_.outbox.send(socket_.fd(), to, data, size);
}

void SharedTransportSocket::onReadable() {
  RecvBatch& batch = context_.recvBatch;
  int64_t now = context_.loop.now();
  drainSocket(socket_.fd(), batch, [&](size_t i) {
    if (batch.truncated(i)) return;
    auto owner = demux_.route(batch.source(i), batch.data(i), batch.size(i), now);
    if (!owner) return;
    auto it = hosts_.find(*owner);
    if (it == hosts_.end()) return;  // a transaction of a transport closed since
    it->second.host->handleDatagram(it->second.socketIndex, batch.source(i), batch.data(i), batch.size(i));
    it->second.host->reschedule();
  });
}

SharedTransportSocket::Stats SharedTransportSocket::stats() const {
  return {demux_.stats(), hosts_.size(), ufragCollisions_};
}

}  // namespace wg::io
