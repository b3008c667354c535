#pragma once

#include "../common/Random.hpp"
#include "../dtls/DtlsContext.hpp"
#include "../dtls/DtlsTransport.hpp"
#include "../ice/IceAgent.hpp"
#include "../sctp/SctpAssociation.hpp"
#include "../srtp/SrtpSession.hpp"
#include "../turn/ChannelData.hpp"
#include "../turn/TurnClientConfig.hpp"
#include "PathSender.hpp"
#include "SendStatus.hpp"
#include "TransportEvent.hpp"
#include "TransportOutput.hpp"
#include "TransportStats.hpp"
#include "TurnRelay.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wg::transport {

struct TransportConfig {
  ice::IceConfig ice;
  // In order of preference; the first one the peer also supports is used.
  std::vector<srtp::Profile> srtpProfiles{srtp::Profile::AeadAes128Gcm, srtp::Profile::Aes128CmHmacSha1_80};
  dtls::DtlsTimings dtls;
  // TURN servers (RFC 8656): each gets an allocation for every host socket of its family. Over
  // UDP the allocation talks through a local socket (see turnSockets); over TCP or TLS through a
  // stream the Output opens from that host socket's IP. ice.relayOnly keeps only relayed paths.
  std::vector<turn::TurnClientConfig> turnServers;
  // Per host socket, the local socket its UDP allocations use: itself, a socket given only for
  // TURN (index >= the number of host sockets; a shared host socket needs one, since every
  // transport on it would be one 5-tuple to the server), or -1 for none. Empty: itself.
  std::vector<int> turnSockets;
  // WebRTC data channels: SCTP over this transport's DTLS (RFC 8261), started once DTLS is up.
  // DTLS then also connects when the peer offers no SRTP (an m=application-only session).
  bool dataChannels = false;
  sctp::SctpConfig sctp;
};

// The WebRTC media transport of one connection, sans-IO: ICE finds a path, DTLS-SRTP keys it,
// SRTP protects RTP/RTCP on it. Datagrams, commands and the time go in; datagrams, events and
// decrypted packets come out through the Output. Nothing here blocks, allocates per packet or
// reads a clock.
class WebRtcTransport : private ice::IceAgent::Listener,
                        private dtls::DtlsTransport::Listener,
                        private TurnRelay::Owner,
                        private sctp::SctpAssociation::Listener {
public:
  // Kept under this name for the hosts that implement it.
  using Output = TransportOutput;

  WebRtcTransport(TransportConfig config, std::shared_ptr<dtls::DtlsContext> dtls, Random& random, Output& output);
  ~WebRtcTransport() override;

  const std::string& iceUfrag() const { return ice_.localUfrag(); }
  const std::string& icePassword() const { return ice_.localPassword(); }
  const std::string& fingerprint() const { return dtlsContext_->certificate().sha256Fingerprint(); }
  std::vector<ice::Candidate> localCandidates() const { return ice_.localCandidates(); }

  void start(int64_t nowUs);
  // From the peer's description: its ICE credentials, certificate fingerprint, and our DTLS
  // role as its a=setup decided it (RFC 5763 section 5).
  void setRemoteParameters(int64_t nowUs, const std::string& ufrag, const std::string& password,
                           const std::string& fingerprintAlgorithm, const std::string& fingerprint,
                           dtls::DtlsRole role);
  void addRemoteCandidate(int64_t nowUs, const ice::Candidate& candidate);
  void endOfRemoteCandidates(int64_t nowUs);
  // ICE restart with the peer's new credentials (RFC 8445 section 9); DTLS and SRTP go on
  // untouched (RFC 8842 section 5: no new DTLS association). Our new ones are iceUfrag() and
  // icePassword() afterwards. False once the transport failed or closed.
  bool restartIce(int64_t nowUs, const std::string& ufrag, const std::string& password);

  // One datagram received on local socket `socketIndex`; `data` may be decrypted in place.
  void handleDatagram(int64_t nowUs, int socketIndex, const net::SocketAddress& from, uint8_t* data, size_t size);
  void handleTimeout(int64_t nowUs);
  std::optional<int64_t> nextTimeout() const;
  // What the Output's stream of relay N did (see Output::openRelayStream): it is open (TCP
  // connected, TLS verified), the server sent bytes (`data` may be changed in place), or it is
  // gone, with why (refused, timed out, certificate rejected, closed by the server).
  void handleRelayStreamOpen(int64_t nowUs, size_t relay);
  void handleRelayStreamBytes(int64_t nowUs, size_t relay, uint8_t* data, size_t size);
  void handleRelayStreamClosed(int64_t nowUs, size_t relay, const std::string& reason);
  // The DTLS part of nextTimeout(): it follows OpenSSL's wall-clock timer (see DtlsTransport).
  std::optional<int64_t> dtlsTimeout() const { return dtls_.nextTimeout(); }

  // Protects in place (the buffer needs room for the tag) and sends on the ICE route. Never
  // throws; a packet not sent is counted once in stats().sendDropped and the return value says
  // why (NotConnected before keys, NoRoute without an ICE route, ...).
  // `header`: the packet's, when the caller has parsed it already.
  SendStatus sendRtp(uint8_t* packet, size_t length, size_t capacity, const rtp::RtpHeader* header = nullptr);
  SendStatus sendRtcp(uint8_t* packet, size_t length, size_t capacity);

  bool connected() const { return srtpOut_ != nullptr; }
  std::optional<srtp::Profile> srtpProfile() const;
  ice::IceState iceState() const { return ice_.state(); }
  dtls::DtlsState dtlsState() const { return dtls_.state(); }
  const ice::IceAgent& ice() const { return ice_; }
  const TransportStats& stats() const { return stats_; }
  const std::vector<std::unique_ptr<TurnRelay>>& relays() const { return relays_; }

  // Data channels (config.dataChannels; WebRtcTransportData.cpp). Events come through
  // Output::onDataChannelEvent. Sending never blocks: a full SCTP send buffer answers Full.
  // `negotiatedId`: a pre-negotiated channel on that stream (no DCEP, RFC 8832 section 4).
  std::optional<uint16_t> openDataChannel(const sctp::DcepOpen& open, std::optional<uint16_t> negotiatedId = std::nullopt);
  sctp::SctpSendStatus sendData(uint16_t stream, bool binary, const uint8_t* data, size_t size);
  bool closeDataChannel(uint16_t stream);
  const sctp::SctpAssociation* sctp() const { return sctp_.get(); }
  // The peer's a=max-message-size (0: no limit), kept for an association not started yet.
  void setDataMaxMessageSize(uint32_t bytes);
  uint32_t dataMaxMessageSize() const { return sctp_ ? sctp_->remoteMaxMessageSize() : remoteMaxMessageSize_; }
  // Hands over what usrsctp queued for this association (config.sctp.ownTimers false: the host's tick).
  void flushSctp() {
    if (sctp_) sctp_->flush();
  }

  // Sends close_notify when connected; the transport does nothing afterwards.
  void close();

private:
  // ice::IceAgent::Listener
  void onIceSend(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) override;
  void onIceLocalCandidate(const ice::Candidate& candidate) override;
  void onIceGatheringComplete() override;
  void onIceStateChange(ice::IceState state) override;
  void onIceSelectedPair(const ice::Candidate& local, const ice::Candidate& remote) override;
  // dtls::DtlsTransport::Listener
  void onDtlsSend(const uint8_t* data, size_t size) override;
  void onDtlsConnected(const dtls::SrtpKeyingMaterial& keys) override;
  void onDtlsClosed() override;
  void onDtlsFailed(const std::string& reason) override;
  void onDtlsData(const uint8_t* data, size_t size) override;
  // sctp::SctpAssociation::Listener
  void onSctpSend(const uint8_t* data, size_t size) override;
  void onDataChannelEvent(const sctp::DataChannelEvent& event) override;
  void startSctp();
  // TurnRelay::Owner
  void onRelaySend(const TurnRelay& relay, const uint8_t* data, size_t size) override;
  void onRelayAllocated(const TurnRelay& relay, const turn::TurnAllocation& allocation) override;
  void onRelayFailed(const TurnRelay& relay, const turn::TurnError& error) override;
  void onRelayData(const TurnRelay& relay, const net::SocketAddress& peer, uint8_t* data, size_t size) override;

  struct PlannedRelay {
    int socketIndex;  // over UDP, the local socket; over a stream, the host socket whose IP it binds
    turn::TurnClientConfig server;
  };
  // Decides which allocations to make (and which servers cannot be used, with why); returns
  // the ICE configuration with that many relay paths.
  static ice::IceConfig planRelays(TransportConfig& config, std::vector<PlannedRelay>& plan,
                                   std::vector<turn::TurnError>& refused);
  // A datagram from the peer, directly on a host socket or relayed (socketIndex is then the relay's path).
  void handlePeerDatagram(int64_t nowUs, int socketIndex, const net::SocketAddress& from, uint8_t* data, size_t size);
  // The common part of sendRtp and sendRtcp: keys, route, protection, the path, the count.
  template <typename Protect>
  SendStatus sendProtected(uint8_t* packet, size_t length, Protect protect);
  // The relays' part is in WebRtcTransportRelays.cpp.
  void startRelay(TurnRelay& relay);
  // Deallocates every relay, then lets their streams go.
  void closeRelays();

  void maybeStartDtls();
  void emit(TransportEventKind kind, std::string text = {}, std::string detail = {});
  void emitTurnFailed(const turn::TurnError& error);
  void fail(const std::string& reason);
  void countSrtpFailure(srtp::SrtpStatus status);

  std::shared_ptr<dtls::DtlsContext> dtlsContext_;
  Output& output_;
  std::vector<PlannedRelay> relayPlan_;
  std::vector<turn::TurnError> refusedTurnServers_;
  ice::IceAgent ice_;
  dtls::DtlsTransport dtls_;
  std::unique_ptr<srtp::SrtpSession> srtpOut_;
  std::unique_ptr<srtp::SrtpSession> srtpIn_;
  std::optional<dtls::DtlsRole> dtlsRole_;
  // DTLS that came before the remote's description told us our role: an answerer's ClientHello
  // usually overtakes its ANSWER on the signaling path. Kept (bounded) and handed to DTLS once
  // it starts, instead of waiting out the peer's retransmission timer (RFC 6347 section 4.2.4.1).
  std::vector<std::vector<uint8_t>> earlyDtls_;
  TransportStats stats_;
  std::vector<std::unique_ptr<TurnRelay>> relays_;
  PathSender paths_;
  bool dataChannels_;
  sctp::SctpConfig sctpConfig_;
  std::unique_ptr<sctp::SctpAssociation> sctp_;
  uint32_t remoteMaxMessageSize_;
  size_t hostSockets_;
  Random& random_;
  int64_t nowUs_ = 0;
  bool closed_ = false;
  bool failed_ = false;
};

}  // namespace wg::transport
