#include "RtcpSession.hpp"

#include "../common/ByteReader.hpp"
#include "../rtcp/ExtendedReports.hpp"
#include "../rtcp/PictureLossIndication.hpp"
#include "../rtcp/RtcpCompound.hpp"
#include "../rtcp/RtcpWriters.hpp"
#include "../srtp/SrtpProfile.hpp"

namespace wg::media {

namespace {
constexpr size_t kMaxReceivedStreams = 8;
constexpr size_t kMaxNackPerPoll = 128;
constexpr int64_t kDefaultRttUs = 100000;
constexpr int64_t kMaxPlausibleRttUs = 60000000;

// Round-trip time from a report's LSR and DLSR (RFC 3550 section 6.4.1), or from an XR DLRR
// (RFC 3611 section 4.5): now - LSR - DLSR, all in 1/65536 s.
std::optional<int64_t> roundTrip(uint64_t nowNtp, uint32_t last, uint32_t delay) {
  if (last == 0) return std::nullopt;
  uint32_t now = rtcp::ntpMiddle32(nowNtp);
  int64_t units = static_cast<int32_t>(now - last - delay);
  if (units < 0) units = 0;  // the remote's delay is rounded; a loopback RTT can come out a hair below zero
  int64_t us = rtcp::q16ToMicros(static_cast<uint32_t>(units));
  if (us > kMaxPlausibleRttUs) return std::nullopt;
  return us;
}
}  // namespace

RtcpSession::RtcpSession(RtcpSessionConfig config) : config_(std::move(config)) { received_.reserve(kMaxReceivedStreams); }

void RtcpSession::setSendStream(MediaKind kind, std::optional<uint32_t> ssrc) {
  auto& slot = send_[index(kind)];
  if (!ssrc) {
    slot.reset();
  } else if (!slot || slot->ssrc != *ssrc) {
    slot.emplace();
    slot->ssrc = *ssrc;
    sentBytesAtReport_[index(kind)] = 0;
  }
}

RtcpSession::ReceivedStream* RtcpSession::receivedStream(uint32_t ssrc) {
  for (auto& s : received_) {
    if (s.statistics.ssrc() == ssrc) return &s;
  }
  return nullptr;
}

bool RtcpSession::onReceivedRtp(MediaKind kind, uint32_t ssrc, uint16_t sequence, uint32_t timestamp, uint32_t clockRate,
                                size_t size, int64_t nowUs, bool retransmission) {
  ReceivedStream* stream = receivedStream(ssrc);
  if (!stream) {
    // A new remote source; past the limit the oldest one makes room (a sender restarting often).
    if (received_.size() == kMaxReceivedStreams) received_.erase(received_.begin());
    received_.push_back({kind, rtp::ReceiveStatistics(ssrc, clockRate)});
    stream = &received_.back();
  }
  stream->statistics.onPacket(sequence, timestamp, nowUs, size, retransmission);
  if (retransmission) ++stream->retransmissions;
  if (kind != MediaKind::Video) return false;
  if (config_.transportCcExtensionId) transportFeedbackMediaSsrc_ = ssrc;
  if (!config_.nack) return false;
  if (nackSsrc_ != ssrc) {
    // Loss detection follows the remote's current video source only.
    nackSsrc_ = ssrc;
    receive_.recovered += nack_.recovered();
    receive_.abandoned += nack_.abandoned();
    nack_ = rtp::NackGenerator();
    keyframeRequestDueUs_.reset();
  }
  size_t missing = nack_.missing();
  nack_.onPacket(sequence, nowUs);
  // A jump NACKs cannot repair (too much missing at once, a restart) wants its PLI now, not
  // with the next report: it is new work, and nextDeadlineUs() must say so.
  if (!keyframeRequestDueUs_ && nack_.needsKeyframe()) {
    keyframeRequestDueUs_ = nowUs;
    return true;
  }
  return nack_.missing() > missing;
}

bool RtcpSession::onTransportSequence(uint16_t sequence, int64_t nowUs) {
  if (!config_.transportCcExtensionId) return false;
  bool idle = !transportFeedback_.hasPending();
  transportFeedback_.onPacket(sequence, nowUs);
  return idle && transportFeedback_.hasPending();
}

void RtcpSession::readReportBlock(const uint8_t* block, uint64_t nowNtp) {
  rtcp::ReportBlock b;
  if (!rtcp::readReportBlock(block, rtcp::kReportBlockSize, b)) return;
  for (auto& send : send_) {
    if (!send || send->ssrc != b.ssrc) continue;
    send->remoteCumulativeLost = b.cumulativeLost;
    send->remoteFractionLost = b.fractionLost;
    send->remoteJitter = b.jitter;
    if (auto rtt = roundTrip(nowNtp, b.lastSenderReport, b.delaySinceLastSenderReport)) send->rttUs = rtt;
  }
}

void RtcpSession::onRemoteRtcp(const uint8_t* data, size_t size, int64_t nowUs, uint64_t nowNtp) {
  rtcp::RtcpCompound compound(data, size);
  rtcp::RtcpPacketView view;
  auto ours = [&](uint32_t ssrc) -> SendFeedbackStats* {
    for (auto& send : send_) {
      if (send && send->ssrc == ssrc) return &*send;
    }
    return nullptr;
  };
  while (compound.next(view)) {
    const uint8_t* p = view.data;
    switch (view.type) {
      case rtcp::type::SenderReport: {
        if (view.size < 28) break;
        if (ReceivedStream* stream = receivedStream(readU32(p + 4))) stream->statistics.onSenderReport(readU64(p + 8), nowUs);
        for (size_t i = 0, at = 28; i < view.count && at + rtcp::kReportBlockSize <= view.size; ++i, at += rtcp::kReportBlockSize)
          readReportBlock(p + at, nowNtp);
        break;
      }
      case rtcp::type::ReceiverReport:
        for (size_t i = 0, at = 8; i < view.count && at + rtcp::kReportBlockSize <= view.size; ++i, at += rtcp::kReportBlockSize)
          readReportBlock(p + at, nowNtp);
        break;
      case rtcp::type::TransportFeedback:
        if (view.count == rtcp::fmt::Nack && view.size >= 12) {
          if (SendFeedbackStats* send = ours(readU32(p + 8))) ++send->nackReceived;
        }
        break;
      case rtcp::type::PayloadFeedback:
        if (view.count == rtcp::fmt::Pli && view.size >= 12) {
          if (SendFeedbackStats* send = ours(readU32(p + 8))) ++send->pliReceived;
        } else if (view.count == rtcp::fmt::Fir) {
          // RFC 5104 section 4.3.1.1: one entry per source asked, each its SSRC and a sequence number.
          for (size_t at = 12; at + 8 <= view.size; at += 8) {
            if (SendFeedbackStats* send = ours(readU32(p + at))) ++send->firReceived;
          }
        }
        break;
      case rtcp::kExtendedReportType:
        if (auto dlrr = rtcp::findDlrr(p, view.size, reportSsrc())) {
          if (auto rtt = roundTrip(nowNtp, dlrr->lastReceiverReport, dlrr->delaySinceLastReport)) receive_.rttUs = rtt;
        }
        break;
      default:
        break;
    }
  }
}

uint32_t RtcpSession::reportSsrc() const {
  for (const auto& send : send_) {
    if (send) return send->ssrc;
  }
  return config_.receiverSsrc;
}

int64_t RtcpSession::rttEstimateUs() const { return rttUs().value_or(kDefaultRttUs); }

std::optional<int64_t> RtcpSession::rttUs() const {
  for (const auto& send : send_) {
    if (send && send->rttUs) return send->rttUs;
  }
  return receive_.rttUs;
}

size_t RtcpSession::writeReport(int64_t nowUs, uint64_t nowNtp, const std::array<std::optional<SenderSnapshot>, kMediaKinds>& senders,
                                uint8_t* out, size_t capacity) {
  std::array<rtcp::ReportBlock, kMaxReceivedStreams> blocks;
  size_t blockCount = 0;
  int64_t elapsedUs = lastReportUs_ > 0 ? nowUs - lastReportUs_ : 0;
  auto bitrate = [&](uint64_t bytes, uint64_t before) -> uint64_t {
    return elapsedUs > 0 && bytes >= before ? (bytes - before) * 8 * 1000000 / static_cast<uint64_t>(elapsedUs) : 0;
  };
  for (auto& stream : received_) {
    blocks[blockCount++] = stream.statistics.makeReportBlock(nowUs);
    stream.bitrateBps = bitrate(stream.statistics.bytes(), stream.bytesAtReport);
    stream.bytesAtReport = stream.statistics.bytes();
  }
  size_t size = 0;
  bool first = true;
  for (size_t k = 0; k < kMediaKinds; ++k) {
    const auto& snapshot = senders[k];
    if (!snapshot || !send_[k] || snapshot->ssrc != send_[k]->ssrc || snapshot->packets == 0) continue;
    send_[k]->bitrateBps = bitrate(snapshot->bytes, sentBytesAtReport_[k]);
    sentBytesAtReport_[k] = snapshot->bytes;
    rtcp::SenderInfo info{nowNtp, snapshot->rtpTimestamp, snapshot->packets, snapshot->payloadOctets};
    // Report blocks ride on the first SR only (RFC 3550 section 6.4.1).
    size_t n = rtcp::writeSenderReport(out + size, capacity - size, snapshot->ssrc, info, blocks.data(), first ? blockCount : 0);
    if (n == 0) return 0;
    size += n;
    first = false;
  }
  if (first) {
    // From reportSsrc(), as the SDES and feedback: the remote addresses its DLRR to the RRTR's
    // sender and onRemoteRtcp looks for reportSsrc(). (A send stream set but not yet sending
    // used to report as receiverSsrc: the CNAME named another SSRC and the RTT was never learned.)
    size_t n = rtcp::writeReceiverReport(out + size, capacity - size, reportSsrc(), blocks.data(), blockCount);
    if (n == 0) return 0;
    size += n;
    // RFC 3611 section 4.4: lets the remote's sender give a pure receiver its round-trip time.
    size += rtcp::writeReceiverReferenceTime(out + size, capacity - size, reportSsrc(), nowNtp);
  }
  size += rtcp::writeSourceDescriptionCname(out + size, capacity - size, reportSsrc(), config_.cname);
  if (config_.rembBps > 0) {
    std::array<uint32_t, kMaxReceivedStreams> video{};
    size_t count = 0;
    for (const auto& stream : received_) {
      if (stream.kind == MediaKind::Video) video[count++] = stream.statistics.ssrc();
    }
    if (count > 0) {
      size_t n = rtcp::writeRemb(out + size, capacity - size, reportSsrc(), config_.rembBps, video.data(), count);
      if (n > 0) ++receive_.rembSent;
      size += n;
    }
  }
  ++receive_.reportsSent;
  lastReportUs_ = nowUs;
  return size;
}

size_t RtcpSession::poll(int64_t nowUs, uint64_t nowNtp, const std::array<std::optional<SenderSnapshot>, kMediaKinds>& senders,
                         uint8_t* out, size_t capacity) {
  // The SRTCP tag and index are added in place by the caller.
  if (capacity <= srtp::kProtectHeadroom) return 0;
  capacity -= srtp::kProtectHeadroom;
  if (!started_) {
    // The first report goes out soon, so round-trip times are known early (RFC 3550 section 6.2
    // halves the first interval for the same reason).
    started_ = true;
    nextReportUs_ = nowUs + config_.reportIntervalUs / 2;
  }
  size_t size = 0;
  if (nowUs >= nextReportUs_) {
    size += writeReport(nowUs, nowNtp, senders, out, capacity);
    nextReportUs_ = nowUs + config_.reportIntervalUs;
  }
  if (config_.nack && nackSsrc_) {
    std::array<uint16_t, kMaxNackPerPoll> due;
    size_t count = nack_.collectDue(nowUs, rttEstimateUs(), due.data(), due.size());
    if (count > 0) {
      size_t n = rtcp::writeGenericNack(out + size, capacity - size, reportSsrc(), *nackSsrc_, due.data(), count);
      if (n > 0) {
        ++receive_.nackSent;
        receive_.nackedSequences += count;
      }
      size += n;
    }
    bool keyframe = nack_.needsKeyframe() || keyframeRequestDueUs_;
    keyframeRequestDueUs_.reset();
    if (keyframe && capacity - size >= rtcp::kPliSize) {
      // Loss past repair: only a keyframe restores the picture (RFC 4585 section 6.3.1).
      rtcp::writePictureLossIndication(out + size, reportSsrc(), *nackSsrc_);
      size += rtcp::kPliSize;
      ++receive_.pliSent;
    }
  }
  if (config_.transportCcExtensionId && transportFeedback_.hasPending() && nowUs - lastTransportFeedbackUs_ >= config_.transportFeedbackIntervalUs) {
    size_t n = transportFeedback_.writeFeedback(out + size, capacity - size, reportSsrc(), transportFeedbackMediaSsrc_.value_or(0));
    if (n > 0) {
      ++receive_.transportFeedbackSent;
      lastTransportFeedbackUs_ = nowUs;
    }
    size += n;
  }
  return size;
}

int64_t RtcpSession::nextDeadlineUs() const {
  int64_t next = started_ ? nextReportUs_ : 0;
  if (config_.nack && nackSsrc_) {
    if (auto due = nack_.nextDueUs(rttEstimateUs())) next = std::min(next, *due);
    if (keyframeRequestDueUs_) next = std::min(next, *keyframeRequestDueUs_);
  }
  if (config_.transportCcExtensionId && transportFeedback_.hasPending())
    next = std::min(next, lastTransportFeedbackUs_ + config_.transportFeedbackIntervalUs);
  return next;
}

ReceiveFeedbackStats RtcpSession::receiveFeedback() const {
  ReceiveFeedbackStats stats = receive_;
  stats.recovered += nack_.recovered();
  stats.abandoned += nack_.abandoned();
  return stats;
}

std::vector<ReceiveStreamStats> RtcpSession::receiveStats() const {
  std::vector<ReceiveStreamStats> out;
  for (const auto& s : received_) {
    const auto& st = s.statistics;
    out.push_back({s.kind, st.ssrc(), st.clockRate(), st.packets(), st.bytes(), st.cumulativeLost(), st.jitterSeconds(),
                   s.retransmissions, s.bitrateBps});
  }
  return out;
}

}  // namespace wg::media
