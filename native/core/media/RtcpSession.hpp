#pragma once

#include "../rtcp/TransportWideFeedback.hpp"
#include "../rtp/NackGenerator.hpp"
#include "../rtp/ReceiveStatistics.hpp"
#include "MediaKind.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wg::media {

struct RtcpSessionConfig {
  std::string cname = "webrtc-gateway";
  // Our SSRC in reports while no send stream is set (RFC 3550 section 6.4.2 lets a receiver pick one).
  uint32_t receiverSsrc = 1;
  bool nack = false;              // ask for lost video (RFC 4585 section 6.2.1)
  // transport-cc feedback for what arrives with this header extension (RFC 8285 id).
  std::optional<uint8_t> transportCcExtensionId;
  uint64_t rembBps = 0;           // REMB with this maximum for received video; 0: none
  int64_t reportIntervalUs = 1000000;
  int64_t transportFeedbackIntervalUs = 50000;
};

// One of our outgoing streams as the host sees it when a report is due.
struct SenderSnapshot {
  uint32_t ssrc = 0;
  uint32_t rtpTimestamp = 0;  // the stream's RTP clock at this moment
  uint32_t packets = 0;
  uint32_t payloadOctets = 0;
  uint64_t bytes = 0;         // everything sent on the SSRC, for the bitrate
};

// What the remote told us about one of our streams.
struct SendFeedbackStats {
  uint32_t ssrc = 0;
  uint64_t pliReceived = 0;
  uint64_t firReceived = 0;
  uint64_t nackReceived = 0;
  int32_t remoteCumulativeLost = 0;
  uint8_t remoteFractionLost = 0;
  uint32_t remoteJitter = 0;  // RTP timestamp units
  std::optional<int64_t> rttUs;
  uint64_t bitrateBps = 0;
};

struct ReceiveStreamStats {
  MediaKind kind = MediaKind::Video;
  uint32_t ssrc = 0;
  uint32_t clockRate = 90000;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  int64_t lost = 0;
  double jitterSeconds = 0;
  uint64_t retransmissions = 0;
  uint64_t bitrateBps = 0;
};

struct ReceiveFeedbackStats {
  uint64_t nackSent = 0;           // NACK messages
  uint64_t nackedSequences = 0;    // sequence numbers asked for, retries included
  uint64_t recovered = 0;          // gaps filled after a NACK
  uint64_t abandoned = 0;          // given up: a keyframe request follows
  uint64_t pliSent = 0;
  uint64_t transportFeedbackSent = 0;
  uint64_t rembSent = 0;
  uint64_t reportsSent = 0;
  std::optional<int64_t> rttUs;    // from XR DLRR (RFC 3611) when we only receive
};

// The RTCP one connection speaks for itself (RFC 3550 section 6, RFC 4585): sender and receiver
// reports with round-trip times, NACKs for lost video, a keyframe request when loss is beyond
// repair, transport-wide feedback and REMB. Sans-IO: the host feeds packets and times in and
// sends what poll() writes.
class RtcpSession {
public:
  explicit RtcpSession(RtcpSessionConfig config);

  const RtcpSessionConfig& config() const { return config_; }
  void setSendStream(MediaKind kind, std::optional<uint32_t> ssrc);

  // RTP from the remote, after RTX is unwrapped; `retransmission` when it came as RTX. Both
  // return true when the packet gave poll() new work (a gap to NACK, a keyframe to ask for, the
  // first packet to report on), which may be due before nextDeadlineUs() was when last asked: the host then asks again.
  // Otherwise the deadline cannot have moved earlier, and the per-packet path skips that.
  bool onReceivedRtp(MediaKind kind, uint32_t ssrc, uint16_t sequence, uint32_t timestamp, uint32_t clockRate,
                     size_t size, int64_t nowUs, bool retransmission);
  bool onTransportSequence(uint16_t sequence, int64_t nowUs);
  // The remote's RTCP datagram (valid compound), before it is split or rewritten.
  void onRemoteRtcp(const uint8_t* data, size_t size, int64_t nowUs, uint64_t nowNtp);
  // A PLI the host sent on the user's behalf (POST .../pli).
  void countPliSent() { ++receive_.pliSent; }

  // Writes what is due as one datagram (reports first) and returns its size; 0 when nothing is.
  size_t poll(int64_t nowUs, uint64_t nowNtp, const std::array<std::optional<SenderSnapshot>, kMediaKinds>& senders,
              uint8_t* out, size_t capacity);
  // When poll() next has something to write.
  int64_t nextDeadlineUs() const;
  // The NACK retry interval: the measured RTT, or a guess before there is one.
  int64_t rttEstimateUs() const;

  const std::array<std::optional<SendFeedbackStats>, kMediaKinds>& sendStats() const { return send_; }
  std::vector<ReceiveStreamStats> receiveStats() const;
  ReceiveFeedbackStats receiveFeedback() const;
  std::optional<int64_t> rttUs() const;

private:
  struct ReceivedStream {
    MediaKind kind;
    rtp::ReceiveStatistics statistics;
    uint64_t retransmissions = 0;
    uint64_t bytesAtReport = 0;
    uint64_t bitrateBps = 0;
  };
  ReceivedStream* receivedStream(uint32_t ssrc);
  uint32_t reportSsrc() const;
  void readReportBlock(const uint8_t* block, uint64_t nowNtp);
  size_t writeReport(int64_t nowUs, uint64_t nowNtp, const std::array<std::optional<SenderSnapshot>, kMediaKinds>& senders,
                     uint8_t* out, size_t capacity);

  RtcpSessionConfig config_;
  std::array<std::optional<SendFeedbackStats>, kMediaKinds> send_{};
  std::array<uint64_t, kMediaKinds> sentBytesAtReport_{};
  std::vector<ReceivedStream> received_;  // a handful: one per remote source
  std::optional<uint32_t> nackSsrc_;       // the remote video source NACKs are about
  rtp::NackGenerator nack_;
  std::optional<int64_t> keyframeRequestDueUs_;  // a PLI the generator asked for between polls
  rtcp::TransportWideFeedback transportFeedback_;
  std::optional<uint32_t> transportFeedbackMediaSsrc_;
  ReceiveFeedbackStats receive_;  // recovered/abandoned: of earlier sources only (the generator counts its own)
  int64_t nextReportUs_ = 0;
  int64_t lastReportUs_ = 0;
  int64_t lastTransportFeedbackUs_ = 0;
  bool started_ = false;
};

}  // namespace wg::media
