#pragma once

#include "../rtcp/RtcpWriters.hpp"
#include "../rtp/RtpPacketCache.hpp"

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
  uint64_t notCached = 0;         // asked for too late (or too large to keep)
  uint64_t suppressed = 0;        // asked again before the previous copy could have arrived
};

// Answers NACKs for one outgoing stream from its own packet cache, so the program feeding the
// port never hears of the loss: as RTX packets when negotiated (RFC 4588 section 4: the
// original sequence number first in the payload, our own RTX SSRC, sequence and payload type),
// otherwise as the original packet again (RFC 4585 section 3.4 leaves the repair to the sender).
class RetransmissionSender {
public:
  explicit RetransmissionSender(const RetransmissionConfig& config) : config_(config), rtxSequence_(config.rtxFirstSequence) {}

  // Each packet as it leaves (rewritten, before SRTP).
  void onSent(uint16_t sequence, const uint8_t* packet, size_t size, int64_t nowUs) { cache_.store(sequence, packet, size, nowUs); }

  // One generic NACK's FCI list. Each retransmission is built in `scratch` (with room to
  // protect it in place) and handed to `send(uint8_t*, size_t)`. A packet is not resent again
  // within `minIntervalUs`: the copy already on its way answers the repeated request.
  template <class Send>
  void onNack(const uint8_t* fci, size_t fciSize, int64_t nowUs, int64_t minIntervalUs, uint8_t* scratch, size_t capacity, Send&& send) {
    ++stats_.nackPackets;
    rtcp::forEachNackedSequence(fci, fciSize, [&](uint16_t sequence) {
      ++stats_.nackedSequences;
      rtp::RtpPacketCache::Entry* entry = cache_.find(sequence);
      if (!entry) {
        ++stats_.notCached;
        return;
      }
      if (nowUs - entry->lastSentUs < minIntervalUs) {
        ++stats_.suppressed;
        return;
      }
      size_t size = build(*entry, scratch, capacity);
      if (size == 0) return;
      entry->lastSentUs = nowUs;
      ++stats_.retransmitted;
      send(scratch, size);
    });
  }

  const RetransmissionStats& stats() const { return stats_; }
  bool usesRtx() const { return config_.rtxSsrc && config_.rtxPayloadType; }

private:
  size_t build(const rtp::RtpPacketCache::Entry& entry, uint8_t* out, size_t capacity);

  RetransmissionConfig config_;
  rtp::RtpPacketCache cache_;
  RetransmissionStats stats_;
  uint16_t rtxSequence_;
};

}  // namespace wg::media
