// WebRtcTransport's data channels: SCTP packets ride DTLS application data (RFC 8261).
#include "WebRtcTransport.hpp"

namespace wg::transport {

void WebRtcTransport::startSctp() {
  if (!dataChannels_ || sctp_ || closed_ || failed_) return;
  bool dtlsClient = dtlsRole_ == dtls::DtlsRole::Client;
  sctp_ = std::make_unique<sctp::SctpAssociation>(sctpConfig_, dtlsClient, static_cast<sctp::SctpAssociation::Listener&>(*this));
  sctp_->setRemoteMaxMessageSize(remoteMaxMessageSize_);
  sctp_->start(nowUs_);
}

void WebRtcTransport::setDataMaxMessageSize(uint32_t bytes) {
  remoteMaxMessageSize_ = bytes;
  if (sctp_) sctp_->setRemoteMaxMessageSize(bytes);
}

void WebRtcTransport::onDtlsData(const uint8_t* data, size_t size) {
  if (sctp_) sctp_->handlePacket(nowUs_, data, size);
  else ++stats_.droppedUnknown;  // application data without data channels
}

void WebRtcTransport::onSctpSend(const uint8_t* data, size_t size) {
  if (!dtls_.sendData(data, size)) ++stats_.sendDropped;
}

void WebRtcTransport::onDataChannelEvent(const sctp::DataChannelEvent& event) { output_.onDataChannelEvent(event); }

std::optional<uint16_t> WebRtcTransport::openDataChannel(const sctp::DcepOpen& open, std::optional<uint16_t> negotiatedId) {
  if (!sctp_ || closed_) return std::nullopt;
  if (negotiatedId) return sctp_->addNegotiatedChannel(*negotiatedId, open);
  return sctp_->openChannel(open);
}

sctp::SctpSendStatus WebRtcTransport::sendData(uint16_t stream, bool binary, const uint8_t* data, size_t size) {
  if (!sctp_ || closed_) return sctp::SctpSendStatus::NotConnected;
  return sctp_->send(stream, binary, data, size);
}

bool WebRtcTransport::closeDataChannel(uint16_t stream) {
  if (!sctp_ || closed_) return false;
  return sctp_->closeChannel(stream);
}

}  // namespace wg::transport
