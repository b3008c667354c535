#include "MediaSession.hpp"

#include "../common/ByteReader.hpp"
#include "../rtcp/PictureLossIndication.hpp"
#include "../rtcp/RtcpCompound.hpp"
#include "../rtp/HeaderExtension.hpp"
#include "../srtp/SrtpProfile.hpp"

#include <algorithm>
#include <cstring>

namespace wg::media {

namespace {
constexpr int kMaxFeedbackDatagramsPerTick = 4;
// What is still due after a round of RTCP goes in the next one, never sooner than this.
constexpr int64_t kMinFeedbackGapUs = 1000;
}  // namespace

MediaSession::MediaSession(uint32_t receiverSsrc, uint16_t rtxFirstSequence, NtpAnchor clock, uint8_t* scratch,
                           size_t scratchSize, Output& output)
    : output_(output),
      scratch_(scratch),
      scratchSize_(scratchSize),
      clock_(clock),
      receiverSsrc_(receiverSsrc),
      rtxFirstSequence_(rtxFirstSequence) {
  RtcpSessionConfig rtcp;
  rtcp.receiverSsrc = receiverSsrc_;
  rtcp_.emplace(rtcp);
}

void MediaSession::setOutboundStream(MediaKind media, std::optional<OutboundStreamConfig> config) {
  auto& slot = outbound_[index(media)];
  if (config) slot.emplace(*config);
  else slot.reset();
  if (config && config->nack) {
    feedback_.setRetransmission(media, RetransmissionConfig{config->rtxSsrc, config->rtxPayloadType, rtxFirstSequence_});
    if (FanoutSource* source = sources_[index(media)]) source->keepRecentPackets();
  } else {
    feedback_.setRetransmission(media, std::nullopt);
  }
  std::optional<uint32_t> ssrc = config ? std::optional<uint32_t>(config->ssrc) : std::nullopt;
  inbound_.setLocalSsrc(media, ssrc);
  rtcp_->setSendStream(media, ssrc);
}

void MediaSession::setFeedback(RtcpSessionConfig config, int64_t nowUs) {
  config.receiverSsrc = receiverSsrc_;
  rtcp_.emplace(std::move(config));
  for (size_t k = 0; k < kMediaKinds; ++k) {
    if (outbound_[k]) rtcp_->setSendStream(static_cast<MediaKind>(k), outbound_[k]->config().ssrc);
  }
  scheduleFeedback(nowUs);
}

void MediaSession::setRedirect(PacketKind kind, MediaKind media, std::optional<net::SocketAddress> to) {
  auto& slot = (kind == PacketKind::Rtp ? rtpRedirect_ : rtcpRedirect_)[index(media)];
  bool newReceiver = to && slot != to;
  slot = to;
  // A new receiver of the remote's video needs a keyframe to start decoding.
  if (newReceiver && kind == PacketKind::Rtp && media == MediaKind::Video) requestKeyframe();
}

void MediaSession::setSource(MediaKind media, FanoutSource* source) {
  sources_[index(media)] = source;
  if (source && feedback_.retransmits(media)) source->keepRecentPackets();
}

bool MediaSession::requestKeyframe() {
  auto remote = inbound_.remoteVideoSsrc();
  if (!remote || !connected_) return false;
  // RFC 4585 section 6.3.1: the sender SSRC is ours; a receive-only connection reports with
  // the SSRC of its receiver reports (RFC 3550 lets a pure receiver pick one).
  uint32_t sender = inbound_.localSsrc(MediaKind::Video).value_or(receiverSsrc_);
  uint8_t pli[rtcp::kPliSize + srtp::kProtectHeadroom];
  rtcp::writePictureLossIndication(pli, sender, *remote);
  if (!output_.sendRtcpToPeer(pli, rtcp::kPliSize, sizeof pli)) return false;
  rtcp_->countPliSent();
  return true;
}

void MediaSession::onConnected(int64_t nowUs) {
  connected_ = true;
  scheduleFeedback(nowUs);
  // A source already running for other connections (fan-out) is mid-stream: this receiver
  // needs a keyframe to start from.
  requestUserKeyframe(nowUs);
}

void MediaSession::onDisconnected() {
  connected_ = false;
  feedbackAtUs_.reset();
}

void MediaSession::onUserRtp(MediaKind media, const uint8_t* data, size_t size, const rtp::RtpHeader* header, int64_t nowUs) {
  if (size + srtp::kProtectHeadroom > scratchSize_) return;
  // Each connection needs its own copy: rewriting and protection work in place.
  std::memcpy(scratch_, data, size);
  // The port's header, updated by the rewriter, goes on to SRTP: one parse per datagram.
  std::optional<rtp::RtpHeader> out;
  if (header) out = *header;
  rtp::RtpHeader* outHeader = out ? &*out : nullptr;
  auto& rewriter = outbound_[index(media)];
  if (rewriter && !rewriter->rewriteRtp(scratch_, size, outHeader, nowUs)) return;
  if (output_.sendRtpToPeer(scratch_, size, scratchSize_, outHeader)) ++sent_[index(media)];
}

void MediaSession::onUserRtcp(MediaKind media, const uint8_t* data, size_t size) {
  if (size + srtp::kProtectHeadroom > scratchSize_) return;
  std::memcpy(scratch_, data, size);
  auto& rewriter = outbound_[index(media)];
  // Without a stream of ours to rewrite for (a receive-only call), the user's RTCP, such as
  // feedback about the remote's stream, goes as it is, if it is RTCP at all.
  bool ok = rewriter ? rewriter->rewriteRtcp(scratch_, size) : rtcp::RtcpCompound(scratch_, size).valid();
  if (!ok) {
    ++outboundDropped_;
    return;
  }
  if (rewriter) {
    // The gateway reports on its streams itself; a second NTP/RTP mapping from the user's SRs
    // would make the remote's audio/video sync jump between the two.
    size_t kept = rtcp::keepRtcpPackets(scratch_, size, [](const rtcp::RtcpPacketView& v) { return v.type != rtcp::type::SenderReport; });
    if (kept != size) ++userSenderReportsReplaced_;
    size = kept;
    if (size == 0) return;
  }
  output_.sendRtcpToPeer(scratch_, size, scratchSize_);
}

void MediaSession::onPeerRtp(uint8_t* packet, size_t size, const rtp::RtpHeader* parsed, int64_t nowUs) {
  // Parsed once, by SRTP or here; the router updates it if it unwraps RTX.
  std::optional<rtp::RtpHeader> header;
  if (parsed) {
    header = *parsed;
    if (!header->readPadding(packet, size)) header.reset();
  } else {
    header = rtp::RtpHeader::parse(packet, size);
  }
  bool newWork = false;
  if (auto id = rtcp_->config().transportCcExtensionId; id && header) {
    // Every packet with the extension counts for transport-cc, bandwidth probes included.
    const uint8_t* value = nullptr;
    size_t length = 0;
    if (rtp::findHeaderExtension(packet, size, *header, *id, &value, &length) && length >= 2)
      newWork = rtcp_->onTransportSequence(readU16(value), nowUs);
  }
  auto routed = inbound_.routeRtp(packet, size, header ? &*header : nullptr);
  if (routed) {
    newWork |= rtcp_->onReceivedRtp(routed->kind, routed->ssrc, routed->sequence, routed->timestamp, routed->clockRate, size,
                                    nowUs, routed->retransmission);
    redirect(rtpRedirect_[index(routed->kind)], packet, size);
    if (routed->kind == MediaKind::Video && remoteVideoSource_ != routed->ssrc) {
      // A new remote video source: its first keyframe may have been lost before we knew it.
      remoteVideoSource_ = routed->ssrc;
      requestKeyframe();
    }
  }
  // Otherwise the RTCP deadline cannot have moved earlier, and the per-packet path skips that.
  if (newWork) scheduleFeedback(rtcp_->nextDeadlineUs());
}

void MediaSession::onPeerRtcp(uint8_t* packet, size_t size, int64_t nowUs) {
  if (!inbound_.splitRtcp(packet, size, rtcpSplit_)) return;
  rtcp_->onRemoteRtcp(packet, size, nowUs, clock_.at(nowUs));
  PeerFeedbackFilter::Streams streams;
  for (size_t k = 0; k < kMediaKinds; ++k) streams[k] = {outbound_[k] ? &*outbound_[k] : nullptr, sources_[k]};
  feedback_.answerNacks(packet, size, streams, rtcp_->rttUs(), nowUs, scratch_, scratchSize_,
                        [this](uint8_t* data, size_t length) { output_.sendRtpToPeer(data, length, scratchSize_, nullptr); });
  for (size_t k = 0; k < kMediaKinds; ++k) {
    auto& part = rtcpSplit_.parts[k];
    if (part.empty()) continue;
    size_t kept = feedback_.keepForUser(static_cast<MediaKind>(k), part.data(), part.size(), streams[k], nowUs);
    if (kept == 0) {
      ++rtcpWithheld_[k];
      continue;
    }
    // Feedback about the stream we send goes back in the terms of the user's own sender.
    if (outbound_[k]) outbound_[k]->restoreRemoteRtcp(part.data(), kept);
    redirect(rtcpRedirect_[k], part.data(), kept);
  }
  scheduleFeedback(rtcp_->nextDeadlineUs());
}

void MediaSession::requestUserKeyframe(int64_t nowUs) {
  auto& rewriter = outbound_[index(MediaKind::Video)];
  const auto& to = rtcpRedirect_[index(MediaKind::Video)];
  FanoutSource* source = sources_[index(MediaKind::Video)];
  // Before the user's sender has sent anything there is no SSRC to ask, nor a need: it starts with one.
  if (!rewriter || !rewriter->started() || !to || !source) return;
  if (!feedback_.admitKeyframeRequest(*source, nowUs)) return;
  uint8_t pli[rtcp::kPliSize];
  rtcp::writePictureLossIndication(pli, rewriter->config().ssrc, rewriter->inputSsrc());
  redirect(to, pli, sizeof pli);
}

void MediaSession::scheduleFeedback(int64_t atUs) {
  if (!connected_) return;
  if (!feedbackAtUs_ || atUs < *feedbackAtUs_) feedbackAtUs_ = atUs;
}

void MediaSession::handleTimeout(int64_t nowUs) {
  if (!connected_ || !feedbackAtUs_ || nowUs < *feedbackAtUs_) return;
  feedbackAtUs_.reset();
  std::array<std::optional<SenderSnapshot>, kMediaKinds> senders;
  for (size_t k = 0; k < kMediaKinds; ++k) {
    const auto& rewriter = outbound_[k];
    if (!rewriter || !rewriter->started()) continue;
    const auto& s = rewriter->stats();
    senders[k] = SenderSnapshot{rewriter->config().ssrc, rewriter->rtpTimestampAt(nowUs), static_cast<uint32_t>(s.packets),
                                static_cast<uint32_t>(s.payloadOctets), s.bytes};
  }
  uint64_t ntp = clock_.at(nowUs);
  for (int i = 0; i < kMaxFeedbackDatagramsPerTick; ++i) {
    size_t size = rtcp_->poll(nowUs, ntp, senders, scratch_, scratchSize_);
    if (size == 0) break;
    output_.sendRtcpToPeer(scratch_, size, scratchSize_);
  }
  scheduleFeedback(std::max(rtcp_->nextDeadlineUs(), nowUs + kMinFeedbackGapUs));
}

void MediaSession::redirect(const std::optional<net::SocketAddress>& to, const uint8_t* data, size_t size) {
  if (to) output_.sendToUser(*to, data, size);
}

RoutingStats MediaSession::routingStats() const {
  RoutingStats stats;
  stats.sent = sent_;
  stats.outboundDropped = outboundDropped_;
  for (const auto& rewriter : outbound_) {
    if (!rewriter) continue;
    stats.outboundDropped += rewriter->stats().malformed + rewriter->stats().wrongPayloadType;
    stats.outboundSourceRestarts += rewriter->stats().sourceRestarts;
  }
  stats.inbound = inbound_.stats();
  stats.userSenderReportsReplaced = userSenderReportsReplaced_;
  stats.keyframeRequestsForwarded = feedback_.keyframeRequestsForwarded();
  stats.keyframeRequestsCoalesced = feedback_.keyframeRequestsCoalesced();
  stats.rtcpWithheld = rtcpWithheld_;
  return stats;
}

MediaStats MediaSession::mediaStats() const {
  MediaStats stats;
  for (size_t k = 0; k < kMediaKinds; ++k) {
    if (!outbound_[k]) continue;
    SendStreamStats send;
    send.kind = static_cast<MediaKind>(k);
    send.ssrc = outbound_[k]->config().ssrc;
    send.packets = outbound_[k]->stats().packets;
    send.bytes = outbound_[k]->stats().bytes;
    if (const auto& retransmit = feedback_.retransmission(send.kind)) send.retransmission = retransmit->stats();
    if (rtcp_->sendStats()[k]) send.feedback = *rtcp_->sendStats()[k];
    stats.send.push_back(send);
  }
  stats.receive = rtcp_->receiveStats();
  stats.receiveFeedback = rtcp_->receiveFeedback();
  stats.rttUs = rtcp_->rttUs();
  return stats;
}

}  // namespace wg::media
