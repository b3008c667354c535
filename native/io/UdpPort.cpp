#include "UdpPort.hpp"

#include "../core/common/ByteReader.hpp"
#include "../core/rtcp/RtcpCompound.hpp"

namespace wg::io {

namespace {
// Batches read per wake-up before other sockets get their turn (epoll is level-triggered,
// so what is left is reported again on the next iteration).
constexpr int kBatchesPerWake = 8;
constexpr int64_t kSourceReportIntervalUs = 1000000;
}  // namespace

UdpPort::UdpPort(uint32_t handle, UdpSocket socket, std::shared_ptr<PortCounters> counters, RecvBatch& batch,
                 EventLoop& loop, Listener& listener)
    : handle_(handle),
      socket_(std::move(socket)),
      counters_(std::move(counters)),
      batch_(batch),
      loop_(loop),
      listener_(listener) {
  loop_.add(socket_.fd(), this);
}

UdpPort::~UdpPort() { loop_.remove(socket_.fd()); }

void UdpPort::onReadable() {
  for (int round = 0; round < kBatchesPerWake; ++round) {
    int n = batch_.receive(socket_.fd());
    if (n < 0) {
      counters_->socketErrors.add(1);
      listener_.onPortDrop(*this);
      return;
    }
    uint64_t bytes = 0;
    int accepted = 0;
    for (int i = 0; i < n; ++i) {
      if (batch_.truncated(i)) {
        counters_->droppedOversize.add(1);
        listener_.onPortDrop(*this);
        continue;
      }
      bytes += batch_.size(i);
      ++accepted;
      net::SocketAddress source = batch_.source(i);
      if (!sourceReported_ || source != lastSource_) noteSource(source);
      // Kept before the sinks see it: a connection may be asked for it again (RFC 4585 NACK).
      // RTP version 2 only; what is not RTP is no one's to repeat.
      const uint8_t* data = batch_.data(i);
      if (recentPackets_ && batch_.size(i) >= 12 && (data[0] >> 6) == 2 && !rtcp::isRtcp(data, batch_.size(i)))
        recentPackets_->store(readU16(data + 2), data, batch_.size(i), loop_.now());
      for (PortPacketSink* sink : sinks_) sink->onPortPacket(handle_, batch_.data(i), batch_.size(i));
    }
    counters_->packets.add(accepted);
    counters_->bytes.add(bytes);
    if (static_cast<size_t>(n) < batch_.capacity()) return;
  }
}

void UdpPort::keepRecentPackets() {
  if (!recentPackets_) recentPackets_.emplace();
}

void UdpPort::attach(PortPacketSink* sink) {
  for (PortPacketSink* s : sinks_) {
    if (s == sink) return;
  }
  sinks_.push_back(sink);
}

void UdpPort::detach(PortPacketSink* sink) {
  for (auto it = sinks_.begin(); it != sinks_.end(); ++it) {
    if (*it == sink) {
      sinks_.erase(it);
      return;
    }
  }
}

void UdpPort::noteSource(const net::SocketAddress& source) {
  if (sourceReported_) counters_->sourceChanges.add(1);
  lastSource_ = source;
  counters_->setLastSource(source);
  int64_t now = loop_.now();
  if (sourceReported_ && now - lastSourceReportUs_ < kSourceReportIntervalUs) return;
  sourceReported_ = true;
  lastSourceReportUs_ = now;
  listener_.onPortSource(*this, source);
}

}  // namespace wg::io
