#include "WebRtcTransport.hpp"

#include "../rtcp/RtcpCompound.hpp"

namespace wg::transport {

namespace {
// A ClientHello is a few hundred bytes; with a certificate-heavy peer, a flight of a few records.
constexpr size_t kMaxEarlyDtlsDatagrams = 4;
constexpr size_t kMaxEarlyDtlsSize = 2048;
// The method bits of a STUN message type (RFC 8489 section 5): all but the two class bits.
constexpr uint16_t kStunMethodBits = 0x3EEF;
}  // namespace

WebRtcTransport::WebRtcTransport(TransportConfig config, std::shared_ptr<dtls::DtlsContext> dtls, Random& random,
                                 Output& output)
    : dtlsContext_(std::move(dtls)),
      output_(output),
      ice_(planRelays(config, relayPlan_, refusedTurnServers_), random, *this),
      dtls_(dtlsContext_, config.srtpProfiles, config.dtls, *this, config.dataChannels),
      paths_(output, relays_),
      dataChannels_(config.dataChannels),
      sctpConfig_(config.sctp),
      remoteMaxMessageSize_(config.sctp.maxMessageSize),
      random_(random) {
  for (auto& planned : relayPlan_) {
    relays_.push_back(std::make_unique<TurnRelay>(relays_.size(), planned.socketIndex, std::move(planned.server), random_,
                                                  static_cast<TurnRelay::Owner&>(*this)));
  }
  relayPlan_.clear();
  hostSockets_ = ice_.config().hostAddresses.size();
}

WebRtcTransport::~WebRtcTransport() = default;

void WebRtcTransport::emit(TransportEventKind kind, std::string text, std::string detail) {
  TransportEvent event{kind, std::move(text), std::move(detail), {}};
  output_.onTransportEvent(event);
}

void WebRtcTransport::start(int64_t nowUs) {
  nowUs_ = nowUs;
  ice_.start(nowUs);
  for (const auto& error : refusedTurnServers_) emitTurnFailed(error);
  for (auto& relay : relays_) startRelay(*relay);
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

bool WebRtcTransport::restartIce(int64_t nowUs, const std::string& ufrag, const std::string& password) {
  nowUs_ = nowUs;
  if (closed_ || failed_) return false;
  return ice_.restart(nowUs, ufrag, password);
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
  // A TURN server's datagrams are told apart from the peer's by their source (RFC 8656 section 12).
  // Binding messages are not TURN's: a TURN server is often the STUN server too (the same address
  // and port), and its Binding responses answer ICE's server-reflexive gathering on this socket.
  bool binding = stun::StunMessage::looksLikeStun(data, size) &&
                 (((data[0] << 8) | data[1]) & kStunMethodBits) == static_cast<uint16_t>(stun::Method::Binding);
  for (auto& relay : relays_) {
    if (!binding && !relay->overStream() && relay->socketIndex() == socketIndex && relay->server() == from) {
      relay->client().handleDatagram(nowUs, data, size);
      return;
    }
  }
  // A socket given only for TURN is no ICE path: nothing else is expected on it.
  if (ice_.config().relayOnly || static_cast<size_t>(socketIndex) >= hostSockets_) {
    ++stats_.droppedNotRelayed;
    return;
  }
  handlePeerDatagram(nowUs, socketIndex, from, data, size);
}

void WebRtcTransport::handlePeerDatagram(int64_t nowUs, int socketIndex, const net::SocketAddress& from, uint8_t* data,
                                         size_t size) {
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
      rtp::RtpHeader header;
      srtp::SrtpResult r = srtpIn_->unprotectRtp(data, size, &header);
      if (!r.ok()) return countSrtpFailure(r.status);
      ++stats_.rtpReceived;
      stats_.rtpBytesReceived += r.length;
      output_.onRtp(data, r.length, header);
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
  for (auto& relay : relays_) {
    auto due = relay->client().nextTimeout();
    if (due && *due <= nowUs) relay->client().handleTimeout(nowUs);
  }
  ice_.handleTimeout(nowUs);
  dtls_.handleTimeout(nowUs);
  if (sctp_) {
    auto due = sctp_->nextTimeout();
    if (due && *due <= nowUs) sctp_->handleTimeout(nowUs);
  }
}

std::optional<int64_t> WebRtcTransport::nextTimeout() const {
  if (closed_) return std::nullopt;
  std::optional<int64_t> earliest = ice_.nextTimeout();
  auto consider = [&earliest](std::optional<int64_t> t) {
    if (t && (!earliest || *t < *earliest)) earliest = t;
  };
  consider(dtls_.nextTimeout());
  for (const auto& relay : relays_) consider(relay->client().nextTimeout());
  if (sctp_) consider(sctp_->nextTimeout());
  return earliest;
}

template <typename Protect>
SendStatus WebRtcTransport::sendProtected(uint8_t* packet, size_t length, Protect protect) {
  SendStatus status = SendStatus::NotConnected;
  const ice::IceRoute& route = ice_.route();
  if (srtpOut_ != nullptr && !closed_) {
    // Without a route nothing is protected: the SRTP index is not spent on a packet that cannot leave.
    status = route.valid() ? SendStatus::Ok : SendStatus::NoRoute;
  }
  if (status == SendStatus::Ok) {
    srtp::SrtpResult r = protect(*srtpOut_);
    status = r.ok() ? paths_.send(nowUs_, route, packet, r.length) : sendStatusOf(r.status);
  }
  if (status != SendStatus::Ok) ++stats_.sendDropped;
  return status;
}

SendStatus WebRtcTransport::sendRtp(uint8_t* packet, size_t length, size_t capacity, const rtp::RtpHeader* header) {
  SendStatus status = sendProtected(packet, length, [&](srtp::SrtpSession& s) { return s.protectRtp(packet, length, capacity, header); });
  if (status == SendStatus::Ok) {
    ++stats_.rtpSent;
    stats_.rtpBytesSent += length;
  }
  return status;
}

SendStatus WebRtcTransport::sendRtcp(uint8_t* packet, size_t length, size_t capacity) {
  SendStatus status = sendProtected(packet, length, [&](srtp::SrtpSession& s) { return s.protectRtcp(packet, length, capacity); });
  if (status == SendStatus::Ok) ++stats_.rtcpSent;
  return status;
}

std::optional<srtp::Profile> WebRtcTransport::srtpProfile() const {
  if (srtpOut_ == nullptr) return std::nullopt;
  return srtpOut_->profile();
}

void WebRtcTransport::close() {
  if (closed_) return;
  sctp_.reset();  // an ABORT to the peer while DTLS is still up
  dtls_.close();  // close_notify goes out through the ICE route while it still exists
  ice_.close();
  closeRelays();
  closed_ = true;
  emit(TransportEventKind::Closed, "local");
}

void WebRtcTransport::fail(const std::string& reason) {
  if (failed_ || closed_) return;
  failed_ = true;
  emit(TransportEventKind::Failed, reason);
}

// ICE's checks and answers name their path: a host socket, or a relay's.
void WebRtcTransport::onIceSend(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) {
  if (!ice_.isRelayPath(socketIndex)) {
    output_.sendDatagram(socketIndex, to, data, size);
    return;
  }
  size_t relay = static_cast<size_t>(socketIndex) - hostSockets_;
  if (paths_.sendRelayed(nowUs_, relay, to, data, size) != SendStatus::Ok) ++stats_.sendDropped;
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
  // Media through a relay goes as ChannelData: 4 bytes of overhead instead of 36 (RFC 8656 section 12).
  if (local.relayIndex >= 0 && static_cast<size_t>(local.relayIndex) < relays_.size())
    relays_[local.relayIndex]->client().bindChannel(nowUs_, remote.address);
  emit(TransportEventKind::SelectedPair, local.toSdp(), remote.toSdp());
}

void WebRtcTransport::onDtlsSend(const uint8_t* data, size_t size) {
  if (paths_.send(nowUs_, ice_.route(), data, size) != SendStatus::Ok) ++stats_.sendDropped;
}

void WebRtcTransport::onDtlsConnected(const dtls::SrtpKeyingMaterial& keys) {
  if (!keys.hasSrtp) {  // data channels only
    emit(TransportEventKind::DtlsStateChange, "connected");
    emit(TransportEventKind::Connected, "none");
    startSctp();
    return;
  }
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
  startSctp();
}

void WebRtcTransport::onDtlsClosed() {
  emit(TransportEventKind::DtlsStateChange, "closed");
  srtpOut_.reset();
  srtpIn_.reset();
  sctp_.reset();
  closed_ = true;
  ice_.close();
  closeRelays();
  emit(TransportEventKind::Closed, "remote");
}

void WebRtcTransport::onDtlsFailed(const std::string& reason) {
  emit(TransportEventKind::DtlsStateChange, "failed");
  fail(reason);
}

}  // namespace wg::transport
