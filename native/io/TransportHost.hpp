#pragma once

#include "../core/datachannel/DataChannelPipe.hpp"
#include "../core/media/MediaSession.hpp"
#include "../core/transport/WebRtcTransport.hpp"
#include "DatagramOutbox.hpp"
#include "EngineContext.hpp"
#include "PortPacketSink.hpp"
#include "RelayStreams.hpp"
#include "SharedTransportSocket.hpp"
#include "TimerQueue.hpp"
#include "TransportSocket.hpp"
#include "UdpPort.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

namespace wg::io {

// Runs one WebRtcTransport and its MediaSession on the I/O thread: owns their sockets, their
// timer and the ports that feed them, feeds both datagrams and time (the loop's) and sends what
// they return. The media policy is the session's; neither core sees a socket.
class TransportHost : public PortPacketSink,
                      private transport::WebRtcTransport::Output,
                      private media::MediaSession::Output,
                      private datachannel::DataChannelPipe::Output {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    virtual void onTransportEvent(uint32_t handle, const transport::TransportEvent& event) = 0;
    // A data-message event (the slow path); false when the engine's bound on them is reached.
    virtual bool onTransportDataMessage(uint32_t handle, transport::TransportEvent&& event) = 0;
  };

  // What transportDataStats reports (the pipe's counters, the channel, SCTP's buffer).
  struct DataStats {
    std::optional<uint16_t> stream;
    sctp::DcepOpen channel;
    bool open = false;
    uint32_t bufferedAmount = 0;
    bool congested = false;
    datachannel::DataPipeCounters counters;
  };

  using PacketKind = media::PacketKind;
  using MediaKind = media::MediaKind;
  using RoutingStats = media::RoutingStats;
  using SendStreamStats = media::SendStreamStats;
  using MediaStats = media::MediaStats;
  using TlsContexts = RelayStreams::TlsContexts;
  using RelayStreamStats = RelayStreams::Stats;

  // A host candidate's socket: the transport's own, or one every transport on the address shares.
  using HostSocket = std::variant<UdpSocket, SharedTransportSocket*>;
  // A socket of this transport's alone for the UDP TURN allocations of a shared host socket
  // (`hostIndex`), on the same IP: carries TURN traffic only.
  struct TurnSocket {
    int hostIndex;
    UdpSocket socket;
  };

  // Built on the JavaScript thread (so its local parameters can be read at once), then
  // handed to the loop with activate().
  TransportHost(uint32_t handle, transport::TransportConfig config, std::vector<HostSocket> sockets,
                std::vector<TurnSocket> turnSockets, TlsContexts tlsContexts, std::shared_ptr<dtls::DtlsContext> dtls,
                Random& random, EngineContext& context, Listener& listener);
  ~TransportHost() override;

  transport::WebRtcTransport& core() { return *transport_; }
  media::MediaSession& media() { return *media_; }
  EngineContext& context() { return context_; }
  uint32_t handle() const { return handle_; }

  // Loop thread from here on.
  void activate(int64_t nowUs);
  void handleDatagram(int socketIndex, const net::SocketAddress& from, uint8_t* data, size_t size);
  // Call after anything that may move the transport's or the session's next deadline.
  void reschedule();

  // ICE restart (WebRtcTransport::restartIce), and shared sockets taught the new ufrag.
  bool restartIce(const std::string& ufrag, const std::string& password);

  void attachPort(UdpPort& port, PacketKind kind, MediaKind media);
  void detachPort(UdpPort& port);
  void detachAllPorts();
  void onPortPacket(uint32_t portHandle, const uint8_t* data, size_t size, const rtp::RtpHeader* rtp) override;

  // The session's control path (see MediaSession).
  void setOutboundStream(MediaKind media, std::optional<media::OutboundStreamConfig> config) {
    media_->setOutboundStream(media, config);
  }
  void setInboundRoutes(std::vector<media::InboundRoute> routes) { media_->setInboundRoutes(std::move(routes)); }
  void expectRemoteSsrc(uint32_t ssrc, MediaKind media) { media_->expectRemoteSsrc(ssrc, media); }
  void expectRemoteRtx(uint32_t rtxSsrc, uint32_t mediaSsrc) { media_->expectRemoteRtx(rtxSsrc, mediaSsrc); }
  void setFeedback(media::RtcpSessionConfig config) { media_->setFeedback(std::move(config), context_.loop.now()); }
  void setRedirect(PacketKind kind, MediaKind media, std::optional<net::SocketAddress> to) { media_->setRedirect(kind, media, to); }
  bool requestKeyframe() { return media_->requestKeyframe(); }

  // Data channels (config.dataChannels; TransportHostData.cpp). The first channel opened, by
  // either side, is the connection's: data ports feed it, its messages go to the data redirect.
  // Call configureData() before activate().
  bool dataChannels() const { return pipe_ != nullptr; }
  void configureData(const datachannel::DataPipeConfig& config, std::optional<uint32_t> remoteMaxMessageSize);
  std::optional<uint16_t> openDataChannel(const sctp::DcepOpen& open, std::optional<uint16_t> negotiatedId);
  sctp::SctpSendStatus sendDataMessage(bool binary, const uint8_t* data, size_t size);
  void setDataMaxMessageSize(uint32_t bytes) { transport_->setDataMaxMessageSize(bytes); }
  void setDataRedirect(std::optional<net::SocketAddress> to) { dataRedirect_ = to; }
  bool deliverDatagram(const uint8_t* data, size_t size);
  DataStats dataStats() const;
  void attachDataPort(UdpPort& port);
  // The engine's SCTP tick (after UsrsctpLibrary::handleTimers): sends what usrsctp queued for
  // this association, reports drops (at most once a second).
  void onSctpTick(int64_t nowUs);
  // Resets the connection's stream before the transport closes (RFC 8831 section 6.7).
  void closeData();

  RoutingStats routingStats() const;
  MediaStats mediaStats() const { return media_->mediaStats(); }
  std::vector<RelayStreamStats> relayStreamStats() const { return relays_.stats(); }

private:
  void onTimer();
  // Tells the session which attached port feeds each stream's RTP: the first one attached.
  void updateSources();
  // transport::WebRtcTransport::Output
  void sendDatagram(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) override;
  void sendChannelData(int socketIndex, const net::SocketAddress& server, uint16_t channel, const uint8_t* data,
                       size_t size) override;
  void onTransportEvent(const transport::TransportEvent& event) override;
  void onRtp(uint8_t* packet, size_t size, const rtp::RtpHeader& header) override {
    media_->onPeerRtp(packet, size, &header, context_.loop.now());
  }
  void onRtcp(uint8_t* packet, size_t size) override { media_->onPeerRtcp(packet, size, context_.loop.now()); }
  void onDataChannelEvent(const sctp::DataChannelEvent& event) override;
  bool openRelayStream(size_t relay, int socketIndex, const turn::TurnClientConfig& server, std::string& error) override;
  bool sendRelayStream(size_t relay, const uint8_t* data, size_t size) override { return relays_.send(relay, data, size); }
  bool sendRelayStreamChannelData(size_t relay, uint16_t channel, const uint8_t* data, size_t size) override {
    return relays_.sendChannelData(relay, channel, data, size);
  }
  void closeRelayStream(size_t relay) override { relays_.close(relay); }
  // media::MediaSession::Output
  bool sendRtpToPeer(uint8_t* packet, size_t size, size_t capacity, const rtp::RtpHeader* header) override;
  bool sendRtcpToPeer(uint8_t* packet, size_t size, size_t capacity) override;
  void sendToUser(const net::SocketAddress& to, const uint8_t* data, size_t size) override;
  // datachannel::DataChannelPipe::Output
  sctp::SctpSendStatus sendMessage(const uint8_t* data, size_t size) override;
  uint32_t bufferedAmount() override;
  bool sendDatagram(const uint8_t* data, size_t size) override;
  bool sendToJs(bool binary, const uint8_t* data, size_t size) override;
  void onRemoteClose() override;
  void emitData(transport::TransportEventKind kind, uint16_t stream = 0);

  uint32_t handle_;
  EngineContext& context_;
  Listener& listener_;
  struct LocalSocket {
    std::unique_ptr<TransportSocket> own;
    SharedTransportSocket* shared = nullptr;
  };
  std::vector<LocalSocket> sockets_;  // the host sockets, then the TURN-only ones
  RelayStreams relays_;
  std::unique_ptr<transport::WebRtcTransport> transport_;
  std::unique_ptr<media::MediaSession> media_;
  struct Attachment {
    UdpPort* port;
    PacketKind kind;
    MediaKind media;
    bool data = false;  // a data port: its datagrams feed the pipe
  };
  std::vector<Attachment> ports_;  // a handful at most: a linear scan beats hashing
  std::optional<TimerQueue::TimerId> timer_;
  std::optional<int64_t> scheduledUs_;
  bool active_ = false;
  // Counted by the engine's outbox when it flushes, which the engine does before destroying a host.
  DatagramOutbox::Tally redirects_;
  std::unique_ptr<datachannel::DataChannelPipe> pipe_;
  std::optional<uint16_t> dataStream_;  // the connection's channel
  std::optional<net::SocketAddress> dataRedirect_;
  std::vector<datachannel::DropReport> dropReports_;
  int64_t lastDropReportUs_ = 0;
  DatagramOutbox::Tally dataRedirects_;
};

}  // namespace wg::io
