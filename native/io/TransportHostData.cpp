// TransportHost's data channels: the SCTP association's events, the connection's channel, the
// data pipe (native/core/datachannel) between data ports, SCTP and the data redirect.
#include "TransportHost.hpp"

namespace wg::io {

namespace {
constexpr int64_t kDropReportIntervalUs = 1'000'000;
}  // namespace

using transport::TransportEvent;
using transport::TransportEventKind;

void TransportHost::configureData(const datachannel::DataPipeConfig& config, std::optional<uint32_t> remoteMaxMessageSize) {
  pipe_ = std::make_unique<datachannel::DataChannelPipe>(config, static_cast<datachannel::DataChannelPipe::Output&>(*this));
  if (remoteMaxMessageSize) transport_->setDataMaxMessageSize(*remoteMaxMessageSize);
}

void TransportHost::emitData(TransportEventKind kind, uint16_t stream) {
  TransportEvent event{kind};
  event.stream = stream;
  listener_.onTransportEvent(handle_, event);
}

void TransportHost::onDataChannelEvent(const sctp::DataChannelEvent& e) {
  if (!pipe_) return;
  switch (e.kind) {
    case sctp::DataChannelEventKind::AssociationUp: emitData(TransportEventKind::SctpUp); break;
    case sctp::DataChannelEventKind::ChannelOpened: {
      if (!dataStream_) dataStream_ = e.stream;
      if (*dataStream_ == e.stream) pipe_->setOpen(true);
      TransportEvent event{TransportEventKind::DataChannelOpen};
      event.stream = e.stream;
      event.remote = e.remote;
      if (e.open) event.channel = *e.open;
      listener_.onTransportEvent(handle_, event);
      break;
    }
    case sctp::DataChannelEventKind::Message:
      if (dataStream_ && *dataStream_ == e.stream) pipe_->onMessage(e.binary, e.data, e.size);
      else pipe_->onStrayMessage();
      break;
    case sctp::DataChannelEventKind::ChannelClosed:
      if (dataStream_ && *dataStream_ == e.stream) pipe_->setOpen(false);
      emitData(TransportEventKind::DataChannelClosed, e.stream);
      break;
    case sctp::DataChannelEventKind::AssociationFailed: {
      pipe_->setOpen(false);
      TransportEvent event{TransportEventKind::SctpFailed};
      event.text = e.text;
      listener_.onTransportEvent(handle_, event);
      break;
    }
  }
}

std::optional<uint16_t> TransportHost::openDataChannel(const sctp::DcepOpen& open, std::optional<uint16_t> negotiatedId) {
  std::optional<uint16_t> stream = transport_->openDataChannel(open, negotiatedId);
  if (!stream || !pipe_) return stream;
  if (!dataStream_) dataStream_ = stream;
  // A pre-negotiated channel is open at once; ours by DCEP when the peer ACKs it.
  if (negotiatedId) {
    if (*dataStream_ == *stream) pipe_->setOpen(true);
    TransportEvent event{TransportEventKind::DataChannelOpen};
    event.stream = *stream;
    event.channel = open;
    listener_.onTransportEvent(handle_, event);
  }
  return stream;
}

sctp::SctpSendStatus TransportHost::sendDataMessage(bool binary, const uint8_t* data, size_t size) {
  if (!dataStream_) return sctp::SctpSendStatus::NotConnected;
  return transport_->sendData(*dataStream_, binary, data, size);
}

bool TransportHost::deliverDatagram(const uint8_t* data, size_t size) { return pipe_ && pipe_->deliverDatagram(data, size); }

TransportHost::DataStats TransportHost::dataStats() const {
  DataStats stats;
  if (!pipe_) return stats;
  stats.stream = dataStream_;
  if (const sctp::SctpAssociation* sctp = transport_->sctp()) {
    if (dataStream_) {
      if (const sctp::DcepOpen* open = sctp->channel(*dataStream_)) stats.channel = *open;
    }
    stats.bufferedAmount = sctp->bufferedAmount();
  }
  stats.open = pipe_->open();
  stats.congested = pipe_->config().bufferLimitBytes != 0 && stats.bufferedAmount >= pipe_->config().bufferLimitBytes / 2;
  stats.counters = pipe_->counters();
  return stats;
}

void TransportHost::attachDataPort(UdpPort& port) {
  detachPort(port);
  ports_.push_back({&port, PacketKind::Rtp, MediaKind::Video, true});
  port.setDataPort(true);
  port.attach(this);
}

void TransportHost::onSctpTick(int64_t nowUs) {
  if (!pipe_) return;
  if (const sctp::SctpAssociation* sctp = transport_->sctp(); sctp && sctp->hasQueued()) {
    transport_->flushSctp();
    reschedule();
  }
  if (!pipe_->hasNewDrops() || nowUs - lastDropReportUs_ < kDropReportIntervalUs) return;
  lastDropReportUs_ = nowUs;
  pipe_->takeDropReports(dropReports_);
  for (const auto& report : dropReports_) {
    TransportEvent event{TransportEventKind::DataDrops};
    event.text = datachannel::directionName(report.direction);
    event.detail = datachannel::dropReasonName(report.reason);
    event.count = report.count;
    listener_.onTransportEvent(handle_, event);
  }
}

void TransportHost::closeData() {
  if (dataStream_) transport_->closeDataChannel(*dataStream_);
}

sctp::SctpSendStatus TransportHost::sendMessage(const uint8_t* data, size_t size) {
  if (!dataStream_) return sctp::SctpSendStatus::NotConnected;
  return transport_->sendData(*dataStream_, true, data, size);
}

uint32_t TransportHost::bufferedAmount() {
  const sctp::SctpAssociation* sctp = transport_->sctp();
  return sctp ? sctp->bufferedAmount() : 0;
}

// From the feeding data port's socket when it has the redirect's family (a program can answer
// to where the datagrams come from), else from the engine's redirect socket.
bool TransportHost::sendDatagram(const uint8_t* data, size_t size) {
  if (!dataRedirect_) return false;
  int fd = -1;
  for (const auto& a : ports_) {
    if (a.data && a.port->localAddress().isIpv6() == dataRedirect_->isIpv6()) {
      fd = a.port->fd();
      break;
    }
  }
  if (fd < 0) fd = context_.redirectFdFor(*dataRedirect_);
  context_.outbox.send(fd, *dataRedirect_, data, size, &dataRedirects_);
  return true;
}

bool TransportHost::sendToJs(bool binary, const uint8_t* data, size_t size) {
  TransportEvent event{TransportEventKind::DataMessage};
  event.stream = dataStream_.value_or(0);
  event.binary = binary;
  event.data.assign(data, data + size);
  return listener_.onTransportDataMessage(handle_, std::move(event));
}

void TransportHost::onRemoteClose() { emitData(TransportEventKind::DataRemoteClose, dataStream_.value_or(0)); }

}  // namespace wg::io
