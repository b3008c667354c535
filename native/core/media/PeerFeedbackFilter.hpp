#pragma once

#include "../common/ByteReader.hpp"
#include "../rtcp/RtcpCompound.hpp"
#include "FanoutSource.hpp"
#include "MediaKind.hpp"
#include "OutboundRtpRewriter.hpp"
#include "RetransmissionSender.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace wg::media {

// The remote's feedback about the streams we send that the gateway acts on itself, so the
// user's sender need not (RFC 4585): generic NACKs are answered from the fan-out source's
// packets (RetransmissionSender) and withheld from the user; keyframe requests (PLI, FIR) pass
// the source's gate, which lets one per interval through for all the connections it feeds.
class PeerFeedbackFilter {
public:
  // One of our streams: its rewriter (nullptr: not rewritten) and the source feeding it.
  struct Stream {
    const OutboundRtpRewriter* rewriter = nullptr;
    FanoutSource* source = nullptr;
  };
  using Streams = std::array<Stream, kMediaKinds>;

  // nullopt: the stream's NACKs are the user's to answer.
  void setRetransmission(MediaKind media, std::optional<RetransmissionConfig> config);
  bool retransmits(MediaKind media) const { return retransmit_[index(media)].has_value(); }
  const std::optional<RetransmissionSender>& retransmission(MediaKind media) const { return retransmit_[index(media)]; }

  // Answers every generic NACK in a valid compound about a stream we retransmit, building each
  // packet in `scratch` and handing it to `send(uint8_t*, size_t)`. A repeated NACK within
  // about half a round trip asks for the copy already on its way.
  template <class Send>
  void answerNacks(const uint8_t* packet, size_t size, const Streams& streams, std::optional<int64_t> rttUs, int64_t nowUs,
                   uint8_t* scratch, size_t capacity, Send&& send) {
    int64_t minInterval = resendInterval(rttUs);
    rtcp::RtcpCompound compound(packet, size);
    rtcp::RtcpPacketView view;
    while (compound.next(view)) {
      if (view.type != rtcp::type::TransportFeedback || view.count != rtcp::fmt::Nack || view.size < 12) continue;
      uint32_t ssrc = readU32(view.data + 8);
      for (size_t k = 0; k < kMediaKinds; ++k) {
        const Stream& s = streams[k];
        if (!retransmit_[k] || !s.rewriter || s.rewriter->config().ssrc != ssrc || !s.source || !s.source->recentPackets()) continue;
        retransmit_[k]->onNack(view.data + 12, view.size - 12, *s.source->recentPackets(), s.rewriter, nowUs, minInterval, scratch,
                               capacity, send);
      }
    }
  }
  // Drops from one stream's part of the remote's RTCP the NACKs answered and the keyframe
  // requests coalesced; returns the new size, 0 when nothing is left for the user.
  size_t keepForUser(MediaKind media, uint8_t* data, size_t size, const Stream& stream, int64_t nowUs);
  // A keyframe request for the user's sender, through the source's gate (counted either way).
  bool admitKeyframeRequest(FanoutSource& source, int64_t nowUs);

  uint64_t keyframeRequestsForwarded() const { return forwarded_; }
  uint64_t keyframeRequestsCoalesced() const { return coalesced_; }

private:
  static int64_t resendInterval(std::optional<int64_t> rttUs);

  std::array<std::optional<RetransmissionSender>, kMediaKinds> retransmit_;
  uint64_t forwarded_ = 0;
  uint64_t coalesced_ = 0;
};

}  // namespace wg::media
