#pragma once

#include "InboundMediaRouter.hpp"
#include "MediaKind.hpp"
#include "RetransmissionSender.hpp"
#include "RtcpSession.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace wg::media {

// What a MediaSession counts about moving its packets (the transport counts its own).
struct RoutingStats {
  uint64_t redirected = 0;       // RTP/RTCP to the user's addresses that the kernel accepted (the host counts it)
  uint64_t redirectDropped = 0;  // refused by the kernel (no route, firewall...) or unsendable (the host counts it)
  std::array<uint64_t, kMediaKinds> sent{};  // RTP from ports, rewritten and sent
  uint64_t outboundDropped = 0;              // malformed or of another payload type
  uint64_t outboundSourceRestarts = 0;
  uint64_t userSenderReportsReplaced = 0;    // the gateway sends its own SRs
  uint64_t keyframeRequestsForwarded = 0;    // to the user's RTCP address
  uint64_t keyframeRequestsCoalesced = 0;
  // Remote RTCP datagrams about a medium of which nothing reached the user: every packet in
  // them was a NACK the gateway answered or a keyframe request it coalesced.
  std::array<uint64_t, kMediaKinds> rtcpWithheld{};
  InboundRouteStats inbound;
};

// One stream we send, for the stats endpoint.
struct SendStreamStats {
  MediaKind kind = MediaKind::Video;
  uint32_t ssrc = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  RetransmissionStats retransmission;
  SendFeedbackStats feedback;
};

struct MediaStats {
  std::vector<SendStreamStats> send;
  std::vector<ReceiveStreamStats> receive;
  ReceiveFeedbackStats receiveFeedback;
  std::optional<int64_t> rttUs;
};

}  // namespace wg::media
