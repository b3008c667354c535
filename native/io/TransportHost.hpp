#pragma once

#include "../core/media/InboundMediaRouter.hpp"
#include "../core/media/MediaKind.hpp"
#include "../core/media/OutboundRtpRewriter.hpp"
#include "../core/media/RetransmissionSender.hpp"
#include "../core/media/RtcpSession.hpp"
#include "../core/transport/WebRtcTransport.hpp"
#include "DatagramOutbox.hpp"
#include "EngineContext.hpp"
#include "PortPacketSink.hpp"
#include "SharedTransportSocket.hpp"
#include "TimerQueue.hpp"
#include "TransportSocket.hpp"
#include "TurnStreamConnection.hpp"
#include "UdpPort.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

namespace wg::io {

// Runs one WebRtcTransport on the I/O thread: its sockets, its timer, the ports that feed it
// and where the media it receives goes. The transport core itself never sees a socket.
// Ports feed a stream (video or audio); with an outbound stream configured, what they send is
// rewritten to it. Decrypted media from the peer is routed per stream to the user's addresses.
class TransportHost : public PortPacketSink,
                      private transport::WebRtcTransport::Output,
                      private TurnStreamConnection::Listener {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    virtual void onTransportEvent(uint32_t handle, const transport::TransportEvent& event) = 0;
  };

  enum class PacketKind { Rtp, Rtcp };
  using MediaKind = media::MediaKind;

  // What the host counts beyond the transport's own statistics.
  struct RoutingStats {
    uint64_t redirected = 0;       // RTP/RTCP to the user's addresses that the kernel accepted
    uint64_t redirectDropped = 0;  // refused by the kernel (no route, firewall...) or unsendable
    std::array<uint64_t, media::kMediaKinds> sent{};  // RTP from ports, rewritten and sent
    uint64_t outboundDropped = 0;                      // malformed or of another payload type
    uint64_t outboundSourceRestarts = 0;
    uint64_t userSenderReportsReplaced = 0;            // the gateway sends its own SRs
    uint64_t keyframeRequestsForwarded = 0;            // to the user's RTCP address
    uint64_t keyframeRequestsCoalesced = 0;
    // Remote RTCP datagrams about a medium of which nothing reached the user: every packet in
    // them was a NACK the gateway answered or a keyframe request it coalesced.
    std::array<uint64_t, media::kMediaKinds> rtcpWithheld{};
    media::InboundRouteStats inbound;
  };

  // One stream we send, for the stats endpoint.
  struct SendStreamStats {
    MediaKind kind = MediaKind::Video;
    uint32_t ssrc = 0;
    uint64_t packets = 0;
    uint64_t bytes = 0;
    media::RetransmissionStats retransmission;
    media::SendFeedbackStats feedback;
  };
  struct MediaStats {
    std::vector<SendStreamStats> send;
    std::vector<media::ReceiveStreamStats> receive;
    media::ReceiveFeedbackStats receiveFeedback;
    std::optional<int64_t> rttUs;
  };

  // A host candidate's socket: the transport's own, or one every transport on the address shares.
  using HostSocket = std::variant<UdpSocket, SharedTransportSocket*>;
  // A socket of this transport's alone for the UDP TURN allocations of a shared host socket
  // (`hostIndex`), on the same IP: carries TURN traffic only.
  struct TurnSocket {
    int hostIndex;
    UdpSocket socket;
  };
  // The TLS context of each verification policy the transport's turns: servers use.
  using TlsContexts = std::vector<std::pair<tls::TlsVerifyConfig, std::shared_ptr<tls::TlsClientContext>>>;

  // Where a TURN relay over TCP or TLS stands, for the stats endpoint.
  struct RelayStreamStats {
    size_t relay = 0;
    std::string transport;  // "tcp" or "tls"
    std::string state;      // "connecting", "open", "closed"
    TurnStreamStats stream;
  };

  // Built on the JavaScript thread (so its local parameters can be read at once), then
  // handed to the loop with activate().
  TransportHost(uint32_t handle, transport::TransportConfig config, std::vector<HostSocket> sockets,
                std::vector<TurnSocket> turnSockets, TlsContexts tlsContexts, std::shared_ptr<dtls::DtlsContext> dtls,
                Random& random, EngineContext& context, Listener& listener);
  ~TransportHost() override;

  transport::WebRtcTransport& core() { return *transport_; }
  EngineContext& context() { return context_; }
  uint32_t handle() const { return handle_; }

  // Loop thread from here on.
  void activate(int64_t nowUs);
  void handleDatagram(int socketIndex, const net::SocketAddress& from, uint8_t* data, size_t size);
  // Call after anything that may move the transport's next deadline.
  void reschedule();

  void attachPort(UdpPort& port, PacketKind kind, MediaKind media);
  void detachPort(UdpPort& port);
  void detachAllPorts();
  // nullopt sends what the ports deliver unchanged.
  void setOutboundStream(MediaKind media, std::optional<media::OutboundStreamConfig> config);
  void setInboundRoutes(std::vector<media::InboundRoute> routes);
  void expectRemoteSsrc(uint32_t ssrc, MediaKind media) { inbound_.expectRemoteSsrc(ssrc, media); }
  void expectRemoteRtx(uint32_t rtxSsrc, uint32_t mediaSsrc) { inbound_.expectRemoteRtx(rtxSsrc, mediaSsrc); }
  // What the connection's own RTCP does (NACK, transport-cc with the extension's id, REMB).
  void setFeedback(media::RtcpSessionConfig config);
  void setRedirect(PacketKind kind, MediaKind media, std::optional<net::SocketAddress> to);
  // Sends a PLI for the remote's video sender; false while none is known or not connected.
  bool requestKeyframe();
  void onPortPacket(uint32_t portHandle, const uint8_t* data, size_t size) override;

  RoutingStats routingStats() const;
  MediaStats mediaStats() const;
  std::vector<RelayStreamStats> relayStreamStats() const;

private:
  void onTimer();
  void onFeedbackTimer();
  // Arms the RTCP timer for `atUs` unless it already fires earlier.
  void scheduleFeedback(int64_t atUs);
  void answerNacks(const uint8_t* packet, size_t size, int64_t nowUs);
  // Drops from the remote's feedback what the gateway has handled itself: NACKs it answered and
  // keyframe requests coalesced with others for the same source. Returns the new size.
  size_t keepForUser(size_t kind, uint8_t* data, size_t size, int64_t nowUs);
  // Asks the user's video sender for a keyframe, through the source port's gate.
  void requestUserKeyframe(int64_t nowUs);
  UdpPort* videoSourcePort() const;
  UdpPort* sourcePort(MediaKind media) const;
  // The packets the stream's source port keeps for NACKs; nullptr without one.
  const rtp::RtpPacketCache* recentPackets(size_t kind) const;
  void onConnected();
  // transport::WebRtcTransport::Output
  void sendDatagram(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) override;
  void sendChannelData(int socketIndex, const net::SocketAddress& server, uint16_t channel, const uint8_t* data,
                       size_t size) override;
  void onTransportEvent(const transport::TransportEvent& event) override;
  void onRtp(uint8_t* packet, size_t size) override;
  void onRtcp(uint8_t* packet, size_t size) override;
  bool openRelayStream(size_t relay, int socketIndex, const turn::TurnClientConfig& server, std::string& error) override;
  bool sendRelayStream(size_t relay, const uint8_t* data, size_t size) override;
  bool sendRelayStreamChannelData(size_t relay, uint16_t channel, const uint8_t* data, size_t size) override;
  void closeRelayStream(size_t relay) override;
  // TurnStreamConnection::Listener
  void onStreamOpen(TurnStreamConnection& stream) override;
  void onStreamBytes(TurnStreamConnection& stream, uint8_t* data, size_t size) override;
  void onStreamClosed(TurnStreamConnection& stream, const std::string& reason) override;
  TurnStreamConnection* stream(size_t relay) const;

  uint32_t handle_;
  EngineContext& context_;
  Listener& listener_;
  struct LocalSocket {
    std::unique_ptr<TransportSocket> own;
    SharedTransportSocket* shared = nullptr;
  };
  std::vector<LocalSocket> sockets_;  // the host sockets, then the TURN-only ones
  TlsContexts tlsContexts_;
  // Per relay over TCP/TLS (by relay index), while the transport uses it; then retired.
  std::vector<std::unique_ptr<TurnStreamConnection>> streams_;
  // What a stream said last, kept for the stats after it is retired.
  std::vector<std::optional<RelayStreamStats>> streamStats_;
  std::unique_ptr<transport::WebRtcTransport> transport_;
  void redirect(const std::optional<net::SocketAddress>& to, const uint8_t* data, size_t size);

  struct Attachment {
    UdpPort* port;
    PacketKind kind;
    MediaKind media;
  };
  std::vector<Attachment> ports_;  // a handful at most: a linear scan beats hashing
  std::array<std::optional<media::OutboundRtpRewriter>, media::kMediaKinds> outbound_;
  std::array<std::optional<media::RetransmissionSender>, media::kMediaKinds> retransmit_;
  uint32_t receiverSsrc_;
  uint16_t rtxFirstSequence_;
  std::optional<media::RtcpSession> rtcp_;
  std::optional<TimerQueue::TimerId> feedbackTimer_;
  int64_t feedbackAtUs_ = 0;
  std::optional<uint32_t> remoteVideoSource_;  // the last remote video SSRC seen: a new one gets a PLI
  uint64_t userSenderReportsReplaced_ = 0;
  uint64_t keyframeRequestsForwarded_ = 0;
  uint64_t keyframeRequestsCoalesced_ = 0;
  std::array<uint64_t, media::kMediaKinds> rtcpWithheld_{};
  media::InboundMediaRouter inbound_;
  media::RtcpSplit rtcpSplit_;  // reused: its buffers keep their capacity
  std::array<std::optional<net::SocketAddress>, media::kMediaKinds> rtpRedirect_;
  std::array<std::optional<net::SocketAddress>, media::kMediaKinds> rtcpRedirect_;
  uint64_t outboundDropped_ = 0;
  std::optional<TimerQueue::TimerId> timer_;
  std::optional<int64_t> scheduledUs_;
  bool active_ = false;
  // Counted by the engine's outbox when it flushes, which the engine does before destroying a host.
  DatagramOutbox::Tally redirects_;
  std::array<uint64_t, media::kMediaKinds> sent_{};
};

}  // namespace wg::io
