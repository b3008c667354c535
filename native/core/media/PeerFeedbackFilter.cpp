#include "PeerFeedbackFilter.hpp"

#include <algorithm>

namespace wg::media {

namespace {
constexpr int64_t kMinResendIntervalUs = 5000;
constexpr int64_t kMaxResendIntervalUs = 100000;
constexpr int64_t kUnknownRttResendIntervalUs = 10000;
}  // namespace

void PeerFeedbackFilter::setRetransmission(MediaKind media, std::optional<RetransmissionConfig> config) {
  auto& slot = retransmit_[index(media)];
  if (config) slot.emplace(*config);
  else slot.reset();
}

int64_t PeerFeedbackFilter::resendInterval(std::optional<int64_t> rttUs) {
  return rttUs ? std::clamp(*rttUs / 2, kMinResendIntervalUs, kMaxResendIntervalUs) : kUnknownRttResendIntervalUs;
}

size_t PeerFeedbackFilter::keepForUser(MediaKind media, uint8_t* data, size_t size, const Stream& stream, int64_t nowUs) {
  if (!stream.rewriter) return size;
  uint32_t ours = stream.rewriter->config().ssrc;
  bool answering = retransmit_[index(media)] && stream.source && stream.source->recentPackets();
  // A keyframe answers every receiver of a video source at once; audio has none to ask for.
  FanoutSource* gated = media == MediaKind::Video ? stream.source : nullptr;
  return rtcp::keepRtcpPackets(data, size, [&](const rtcp::RtcpPacketView& v) {
    if (v.size < 12) return true;
    // RFC 4585 section 6.2.1: the media source of a NACK is in the FCI's header.
    if (v.type == rtcp::type::TransportFeedback && v.count == rtcp::fmt::Nack) return !(answering && readU32(v.data + 8) == ours);
    // RFC 4585 section 6.3.1 (PLI names the media source); RFC 5104 section 4.3.1.1 (FIR names it in its FCI).
    bool keyframeRequest = v.type == rtcp::type::PayloadFeedback &&
                           ((v.count == rtcp::fmt::Pli && readU32(v.data + 8) == ours) ||
                            (v.count == rtcp::fmt::Fir && v.size >= 20 && readU32(v.data + 12) == ours));
    if (!keyframeRequest || !gated) return true;
    return admitKeyframeRequest(*gated, nowUs);
  });
}

bool PeerFeedbackFilter::admitKeyframeRequest(FanoutSource& source, int64_t nowUs) {
  if (source.keyframeRequests().admit(nowUs)) {
    ++forwarded_;
    return true;
  }
  ++coalesced_;
  return false;
}

}  // namespace wg::media
