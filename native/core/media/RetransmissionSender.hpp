#pragma once

#include "../rtcp/RtcpWriters.hpp"
#include "../rtp/RtpPacketCache.hpp"
#include "OutboundRtpRewriter.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace wg::media {

// RTX (RFC 4588 section 8): where retransmissions of a stream go when negotiated.
struct RetransmissionConfig {
  std::optional<uint32_t> rtxSsrc;
  std::optional<uint8_t> rtxPayloadType;
  uint16_t rtxFirstSequence = 0;  // random, as for any RTP stream (RFC 3550 section 5.1)
};

struct RetransmissionStats {
  uint64_t nackPackets = 0;       // NACK feedback messages about the stream
  uint64_t nackedSequences = 0;   // sequence numbers they asked for
  uint64_t retransmitted = 0;
  uint64_t notCached = 0;         // asked for too late (or too large to keep, or from a replaced source)
  uint64_t suppressed = 0;        // asked again before the previous copy could have arrived
};

// Answers NACKs for one outgoing stream from the packets its source keeps, so the program
// feeding the port never hears of the loss: as RTX packets when negotiated (RFC 4588 section
// 4: the original sequence number first in the payload, our own RTX SSRC, sequence and
// payload type), otherwise as the original packet again (RFC 4585 section 3.4 leaves the
// repair to the sender). The cache is the source's, shared by every connection it feeds
// (fan-out): it holds packets as the user sent them, and each retransmission is rewritten
// into this stream's numbering on the way out. Only which packets this stream resent, and
// when, is kept per stream.
class RetransmissionSender {
public:
  explicit RetransmissionSender(const RetransmissionConfig& config) : config_(config), rtxSequence_(config.rtxFirstSequence) {}

  // One generic NACK's FCI list, in this stream's numbering. `rewriter` maps it to the
  // source's and rewrites a copy; nullptr when `cache` already holds the packets as sent.
  // Each retransmission is built in `scratch` (with room to protect it in place) and handed
  // to `send(uint8_t*, size_t)`. A packet is not resent within `minIntervalUs` of its last
  // sending: the copy already on its way answers the repeated request.
  template <class Send>
  void onNack(const uint8_t* fci, size_t fciSize, const rtp::RtpPacketCache& cache, const OutboundRtpRewriter* rewriter,
              int64_t nowUs, int64_t minIntervalUs, uint8_t* scratch, size_t capacity, Send&& send) {
    ++stats_.nackPackets;
    rtcp::forEachNackedSequence(fci, fciSize, [&](uint16_t sequence) {
      ++stats_.nackedSequences;
      const rtp::RtpPacketCache::Entry* entry = find(cache, rewriter, sequence);
      if (!entry) {
        ++stats_.notCached;
        return;
      }
      Resent& resent = resent_[sequence & (resent_.size() - 1)];
      int64_t lastSentUs = resent.used && resent.sequence == sequence && resent.atUs > entry->storedUs ? resent.atUs : entry->storedUs;
      if (nowUs - lastSentUs < minIntervalUs) {
        ++stats_.suppressed;
        return;
      }
      size_t size = build(*entry, rewriter, sequence, scratch, capacity);
      if (size == 0) {
        ++stats_.notCached;
        return;
      }
      resent = {sequence, true, nowUs};
      ++stats_.retransmitted;
      send(scratch, size);
    });
  }

  const RetransmissionStats& stats() const { return stats_; }
  bool usesRtx() const { return config_.rtxSsrc && config_.rtxPayloadType; }

private:
  struct Resent {
    uint16_t sequence = 0;
    bool used = false;
    int64_t atUs = 0;
  };
  static const rtp::RtpPacketCache::Entry* find(const rtp::RtpPacketCache& cache, const OutboundRtpRewriter* rewriter, uint16_t sequence);
  size_t build(const rtp::RtpPacketCache::Entry& entry, const OutboundRtpRewriter* rewriter, uint16_t sequence, uint8_t* out, size_t capacity);

  RetransmissionConfig config_;
  RetransmissionStats stats_;
  uint16_t rtxSequence_;
  // What this stream resent lately: a NACK repeated within a round trip must not double the
  // repair traffic. 128 sequence numbers are over a second of a 1.5 Mbit/s video stream.
  std::array<Resent, 128> resent_{};
};

}  // namespace wg::media
