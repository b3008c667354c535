#pragma once

#include "../net/SocketAddress.hpp"
#include "../rtp/RtpHeader.hpp"
#include "FanoutSource.hpp"
#include "InboundMediaRouter.hpp"
#include "MediaKind.hpp"
#include "MediaSessionStats.hpp"
#include "NtpAnchor.hpp"
#include "OutboundRtpRewriter.hpp"
#include "PeerFeedbackFilter.hpp"
#include "RetransmissionSender.hpp"
#include "RtcpSession.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace wg::media {

// The media policy of one connection, between the user's ports and addresses and the remote
// peer's transport. Outbound, the user's RTP is rewritten into our stream (OutboundRtpRewriter)
// and the user's SRs give way to ours; inbound, the remote's RTP is routed by stream to the
// user's addresses (InboundMediaRouter), a new remote video source gets a keyframe request, and
// the remote's RTCP is split by stream, its NACKs answered from the fan-out source's packets and
// its keyframe requests coalesced across every connection of that source (PeerFeedbackFilter).
// The connection's own RTCP (RtcpSession) runs on the schedule nextTimeout() tells.
// Sans-IO: every input carries the time, one monotonic clock; what leaves goes through Output.
class MediaSession {
public:
  class Output {
  public:
    virtual ~Output() = default;
    // To the remote peer. The transport protects the packet in place (`capacity` leaves room
    // for it) and sends it; false when it could not.
    // `header` is the RTP packet's when known (nullptr: the transport parses it).
    virtual bool sendRtpToPeer(uint8_t* packet, size_t size, size_t capacity, const rtp::RtpHeader* header) = 0;
    virtual bool sendRtcpToPeer(uint8_t* packet, size_t size, size_t capacity) = 0;
    // Plain RTP or RTCP to one of the user's addresses.
    virtual void sendToUser(const net::SocketAddress& to, const uint8_t* data, size_t size) = 0;
  };

  // `receiverSsrc` reports for a connection that only receives (RFC 3550 section 6.4.2);
  // `rtxFirstSequence` starts every RTX stream (random, RFC 3550 section 5.1). `scratch` holds
  // each packet's copy on its way out, with srtp::kProtectHeadroom to spare.
  MediaSession(uint32_t receiverSsrc, uint16_t rtxFirstSequence, NtpAnchor clock, uint8_t* scratch, size_t scratchSize,
               Output& output);

  // Control path.
  // nullopt sends what the user's port delivers unchanged.
  void setOutboundStream(MediaKind media, std::optional<OutboundStreamConfig> config);
  void setInboundRoutes(std::vector<InboundRoute> routes) { inbound_.setRoutes(std::move(routes)); }
  void expectRemoteSsrc(uint32_t ssrc, MediaKind media) { inbound_.expectRemoteSsrc(ssrc, media); }
  void expectRemoteRtx(uint32_t rtxSsrc, uint32_t mediaSsrc) { inbound_.expectRemoteRtx(rtxSsrc, mediaSsrc); }
  // What the connection's own RTCP does (NACK, transport-cc with the extension's id, REMB).
  void setFeedback(RtcpSessionConfig config, int64_t nowUs);
  void setRedirect(PacketKind kind, MediaKind media, std::optional<net::SocketAddress> to);
  // The fan-out source of the user's port that feeds the stream's RTP; nullptr for none.
  void setSource(MediaKind media, FanoutSource* source);
  // Sends a PLI for the remote's video sender; false while none is known or not connected.
  bool requestKeyframe();

  // The transport has SRTP keys (media may flow) / has closed.
  void onConnected(int64_t nowUs);
  void onDisconnected();
  // From the user's port: `header` is the RTP header its fan-out source parsed (nullptr when
  // the datagram is not RTP).
  void onUserRtp(MediaKind media, const uint8_t* data, size_t size, const rtp::RtpHeader* header, int64_t nowUs);
  void onUserRtcp(MediaKind media, const uint8_t* data, size_t size);
  // Decrypted, from the remote peer; modified in place. `header` is the one SRTP parsed, its
  // padding not yet read (nullptr: parsed here).
  void onPeerRtp(uint8_t* packet, size_t size, const rtp::RtpHeader* header, int64_t nowUs);
  void onPeerRtcp(uint8_t* packet, size_t size, int64_t nowUs);
  // When handleTimeout() is next due (the connection's RTCP); nullopt while nothing is.
  std::optional<int64_t> nextTimeout() const { return feedbackAtUs_; }
  void handleTimeout(int64_t nowUs);

  RoutingStats routingStats() const;
  MediaStats mediaStats() const;

private:
  // Moves the RTCP deadline to `atUs` unless it is due earlier already.
  void scheduleFeedback(int64_t atUs);
  // Asks the user's video sender for a keyframe, through the source's gate.
  void requestUserKeyframe(int64_t nowUs);
  void redirect(const std::optional<net::SocketAddress>& to, const uint8_t* data, size_t size);

  Output& output_;
  uint8_t* scratch_;
  size_t scratchSize_;
  NtpAnchor clock_;
  uint32_t receiverSsrc_;
  uint16_t rtxFirstSequence_;
  bool connected_ = false;
  std::array<std::optional<OutboundRtpRewriter>, kMediaKinds> outbound_;
  std::array<std::optional<RetransmissionSender>, kMediaKinds> retransmit_;
  std::array<FanoutSource*, kMediaKinds> sources_{};
  std::optional<RtcpSession> rtcp_;
  std::optional<int64_t> feedbackAtUs_;
  InboundMediaRouter inbound_;
  PeerFeedbackFilter feedback_;
  RtcpSplit rtcpSplit_;  // reused: its buffers keep their capacity
  std::optional<uint32_t> remoteVideoSource_;  // the last remote video SSRC seen: a new one gets a PLI
  std::array<std::optional<net::SocketAddress>, kMediaKinds> rtpRedirect_;
  std::array<std::optional<net::SocketAddress>, kMediaKinds> rtcpRedirect_;
  std::array<uint64_t, kMediaKinds> sent_{};
  uint64_t outboundDropped_ = 0;
  uint64_t userSenderReportsReplaced_ = 0;
  std::array<uint64_t, kMediaKinds> rtcpWithheld_{};
};

}  // namespace wg::media
