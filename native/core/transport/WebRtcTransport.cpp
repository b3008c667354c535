#include "WebRtcTransport.hpp"

#include "../rtcp/RtcpCompound.hpp"

namespace wg::transport {

namespace {
// A ClientHello is a few hundred bytes; with a certificate-heavy peer, a flight of a few records.
constexpr size_t kMaxEarlyDtlsDatagrams = 4;
constexpr size_t kMaxEarlyDtlsSize = 2048;
}  // namespace

const char* transportEventName(TransportEventKind kind) {
  switch (kind) {
    case TransportEventKind::LocalCandidate: return "local-candidate";
    case TransportEventKind::GatheringComplete: return "gathering-complete";
    case TransportEventKind::IceStateChange: return "ice-state";
    case TransportEventKind::SelectedPair: return "selected-pair";
    case TransportEventKind::DtlsStateChange: return "dtls-state";
    case TransportEventKind::Connected: return "connected";
    case TransportEventKind::Closed: return "closed";
    case TransportEventKind::Failed: return "failed";
  }
  return "unknown";
}

WebRtcTransport::WebRtcTransport(TransportConfig config, std::shared_ptr<dtls::DtlsContext> dtls, Random& random,
                                 Output& output)
    : dtlsContext_(std::move(dtls)),
      output_(output),
      ice_(std::move(config.ice), random, *this),
      dtls_(dtlsContext_, config.srtpProfiles, config.dtls, *this) {}

WebRtcTransport::~WebRtcTransport() = default;

void WebRtcTransport::emit(TransportEventKind kind, std::string text, std::string detail) {
  TransportEvent event{kind, std::move(text), std::move(detail), {}};
  output_.onTransportEvent(event);
}

void WebRtcTransport::start(int64_t nowUs) {
  nowUs_ = nowUs;
  ice_.start(nowUs);
}

void WebRtcTransport::setRemoteParameters(int64_t nowUs, const std::string& ufrag, const std::string& password,
                                          const std::string& fingerprintAlgorithm, const std::string& fingerprint,
                                          dtls::DtlsRole role) {
  nowUs_ = nowUs;
  if (closed_ || failed_) return;
  dtls_.setRemoteFingerprint(fingerprintAlgorithm, fingerprint);
  dtlsRole_ = role;
  ice_.setRemoteCredentials(nowUs, ufrag, password);
  maybeStartDtls();
}

void WebRtcTransport::addRemoteCandidate(int64_t nowUs, const ice::Candidate& candidate) {
  nowUs_ = nowUs;
  if (!closed_ && !failed_) ice_.addRemoteCandidate(nowUs, candidate);
}

void WebRtcTransport::endOfRemoteCandidates(int64_t nowUs) {
  nowUs_ = nowUs;
  if (!closed_ && !failed_) ice_.setRemoteEndOfCandidates(nowUs);
}

// A server waits for the ClientHello from the start; a client speaks once ICE has a path.
void WebRtcTransport::maybeStartDtls() {
  if (!dtlsRole_ || dtls_.state() != dtls::DtlsState::New || closed_ || failed_) return;
  if (*dtlsRole_ == dtls::DtlsRole::Server) {
    dtls_.start(nowUs_, dtls::DtlsRole::Server);
    emit(TransportEventKind::DtlsStateChange, "connecting");
    for (auto& datagram : earlyDtls_) dtls_.handleDatagram(nowUs_, datagram.data(), datagram.size());
    earlyDtls_.clear();
    return;
  }
  // As the client we speak first: whatever came early is not for us.
  earlyDtls_.clear();
  if (ice_.state() == ice::IceState::Connected || ice_.state() == ice::IceState::Completed) {
    dtls_.start(nowUs_, dtls::DtlsRole::Client);
    emit(TransportEventKind::DtlsStateChange, "connecting");
  }
}

void WebRtcTransport::handleDatagram(int64_t nowUs, int socketIndex, const net::SocketAddress& from, uint8_t* data,
                                     size_t size) {
  nowUs_ = nowUs;
  if (closed_ || size == 0) return;
  uint8_t first = data[0];
  // RFC 7983 section 7: demultiplex by the first byte.
  if (first <= 3) {
    ++stats_.stunReceived;
    ice_.handleStun(nowUs, socketIndex, from, data, size);
    return;
  }
  if (!ice_.isAuthenticatedSource(socketIndex, from)) {
    ++stats_.droppedUnauthenticatedSource;
    return;
  }
  if (first >= 20 && first <= 63) {
    ++stats_.dtlsReceived;
    if (dtls_.state() == dtls::DtlsState::New) {
      if (!dtlsRole_ && earlyDtls_.size() < kMaxEarlyDtlsDatagrams && size <= kMaxEarlyDtlsSize) {
        earlyDtls_.emplace_back(data, data + size);
      } else {
        ++stats_.droppedBeforeKeys;  // beyond what we keep, the peer's retransmission will come
      }
      return;
    }
    dtls_.handleDatagram(nowUs, data, size);
    return;
  }
  if (first >= 128 && first <= 191) {
    if (srtpIn_ == nullptr) {
      ++stats_.droppedBeforeKeys;
      return;
    }
    if (rtcp::isRtcp(data, size)) {
      srtp::SrtpResult r = srtpIn_->unprotectRtcp(data, size);
      if (!r.ok()) return countSrtpFailure(r.status);
      ++stats_.rtcpReceived;
      output_.onRtcp(data, r.length);
    } else {
      srtp::SrtpResult r = srtpIn_->unprotectRtp(data, size);
      if (!r.ok()) return countSrtpFailure(r.status);
      ++stats_.rtpReceived;
      stats_.rtpBytesReceived += r.length;
      output_.onRtp(data, r.length);
    }
    return;
  }
  ++stats_.droppedUnknown;
}

void WebRtcTransport::countSrtpFailure(srtp::SrtpStatus status) {
  switch (status) {
    case srtp::SrtpStatus::AuthFailed: ++stats_.droppedSrtpAuth; break;
    case srtp::SrtpStatus::Replayed: ++stats_.droppedSrtpReplay; break;
    default: ++stats_.droppedMalformed; break;
  }
}

void WebRtcTransport::handleTimeout(int64_t nowUs) {
  nowUs_ = nowUs;
  if (closed_) return;
  ice_.handleTimeout(nowUs);
  dtls_.handleTimeout(nowUs);
}

std::optional<int64_t> WebRtcTransport::nextTimeout() const {
  if (closed_) return std::nullopt;
  auto a = ice_.nextTimeout();
  auto b = dtls_.nextTimeout();
  if (a && b) return *a < *b ? a : b;
  return a ? a : b;
}

srtp::SrtpStatus WebRtcTransport::sendRtp(uint8_t* packet, size_t length, size_t capacity) {
  if (srtpOut_ == nullptr || closed_) {
    ++stats_.sendDropped;
    return srtp::SrtpStatus::CryptoError;
  }
  srtp::SrtpResult r = srtpOut_->protectRtp(packet, length, capacity);
  if (!r.ok() || !ice_.send(packet, r.length)) {
    ++stats_.sendDropped;
    return r.ok() ? srtp::SrtpStatus::CryptoError : r.status;
  }
  ++stats_.rtpSent;
  stats_.rtpBytesSent += length;
  return srtp::SrtpStatus::Ok;
}

srtp::SrtpStatus WebRtcTransport::sendRtcp(uint8_t* packet, size_t length, size_t capacity) {
  if (srtpOut_ == nullptr || closed_) {
    ++stats_.sendDropped;
    return srtp::SrtpStatus::CryptoError;
  }
  srtp::SrtpResult r = srtpOut_->protectRtcp(packet, length, capacity);
  if (!r.ok() || !ice_.send(packet, r.length)) {
    ++stats_.sendDropped;
    return r.ok() ? srtp::SrtpStatus::CryptoError : r.status;
  }
  ++stats_.rtcpSent;
  return srtp::SrtpStatus::Ok;
}

std::optional<srtp::Profile> WebRtcTransport::srtpProfile() const {
  if (srtpOut_ == nullptr) return std::nullopt;
  return srtpOut_->profile();
}

void WebRtcTransport::close() {
  if (closed_) return;
  dtls_.close();  // close_notify goes out through the ICE route while it still exists
  ice_.close();
  closed_ = true;
  emit(TransportEventKind::Closed, "local");
}

void WebRtcTransport::fail(const std::string& reason) {
  if (failed_ || closed_) return;
  failed_ = true;
  emit(TransportEventKind::Failed, reason);
}

void WebRtcTransport::onIceSend(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) {
  output_.sendDatagram(socketIndex, to, data, size);
}

void WebRtcTransport::onIceLocalCandidate(const ice::Candidate& candidate) {
  TransportEvent event{TransportEventKind::LocalCandidate, candidate.toSdp(), {}, candidate};
  output_.onTransportEvent(event);
}

void WebRtcTransport::onIceGatheringComplete() { emit(TransportEventKind::GatheringComplete); }

void WebRtcTransport::onIceStateChange(ice::IceState state) {
  emit(TransportEventKind::IceStateChange, ice::iceStateName(state));
  if (state == ice::IceState::Failed) {
    fail(dtls_.state() == dtls::DtlsState::Connected ? "ICE consent expired" : "ICE failed: no working candidate pair");
  } else {
    maybeStartDtls();
  }
}

void WebRtcTransport::onIceSelectedPair(const ice::Candidate& local, const ice::Candidate& remote) {
  emit(TransportEventKind::SelectedPair, local.toSdp(), remote.toSdp());
}

void WebRtcTransport::onDtlsSend(const uint8_t* data, size_t size) {
  if (!ice_.send(data, size)) ++stats_.sendDropped;
}

void WebRtcTransport::onDtlsConnected(const dtls::SrtpKeyingMaterial& keys) {
  srtpOut_ = srtp::SrtpSession::create(keys.profile, keys.localKey, keys.localSalt,
                                       srtp::SrtpSession::Direction::Outbound);
  srtpIn_ = srtp::SrtpSession::create(keys.profile, keys.remoteKey, keys.remoteSalt,
                                      srtp::SrtpSession::Direction::Inbound);
  if (!srtpOut_ || !srtpIn_) {
    srtpOut_.reset();
    srtpIn_.reset();
    fail("cannot set up SRTP with the negotiated keys");
    return;
  }
  emit(TransportEventKind::DtlsStateChange, "connected");
  emit(TransportEventKind::Connected, std::string(srtp::profileName(keys.profile)));
}

void WebRtcTransport::onDtlsClosed() {
  emit(TransportEventKind::DtlsStateChange, "closed");
  srtpOut_.reset();
  srtpIn_.reset();
  closed_ = true;
  ice_.close();
  emit(TransportEventKind::Closed, "remote");
}

void WebRtcTransport::onDtlsFailed(const std::string& reason) {
  emit(TransportEventKind::DtlsStateChange, "failed");
  fail(reason);
}

}  // namespace wg::transport
