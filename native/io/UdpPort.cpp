#include "UdpPort.hpp"

#include "DrainSocket.hpp"

namespace wg::io {

namespace {
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
  uint64_t bytes = 0;
  uint64_t accepted = 0;
  int64_t now = loop_.now();
  int error = drainSocket(socket_.fd(), batch_, [&](size_t i) {
    if (batch_.truncated(i)) {
      counters_->droppedOversize.add(1);
      listener_.onPortDrop(*this);
      return;
    }
    size_t size = batch_.size(i);
    bytes += size;
    ++accepted;
    net::SocketAddress source = batch_.source(i);
    if (!sourceReported_ || source != lastSource_) noteSource(source);
    const uint8_t* data = batch_.data(i);
    // Parsed (and kept for NACKs) once, before the sinks see it.
    const rtp::RtpHeader* rtp = dataPort_ ? nullptr : fanout_.ingest(data, size, now);
    for (PortPacketSink* sink : sinks_) sink->onPortPacket(handle_, data, size, rtp);
  });
  counters_->packets.add(accepted);
  counters_->bytes.add(bytes);
  if (error < 0) {
    counters_->socketErrors.add(1);
    listener_.onPortDrop(*this);
  }
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
