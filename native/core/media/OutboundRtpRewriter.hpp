#pragma once

#include "../rtp/RtpHeader.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace wg::media {

// What a stream leaving for the remote must look like: the SSRC we announced in SDP and the
// payload type the remote negotiated for the codec.
struct OutboundStreamConfig {
  uint32_t ssrc = 0;
  uint8_t payloadType = 0;
  // The payload type the user sends (their `payload_type`); packets with another one are
  // dropped. nullopt accepts any.
  std::optional<uint8_t> inputPayloadType;
  uint32_t clockRate = 90000;
  // Keep recent packets and answer the remote's NACKs from them (RFC 4585 section 6.2.1), as
  // RTX (RFC 4588) when these are set.
  bool nack = false;
  std::optional<uint32_t> rtxSsrc;
  std::optional<uint8_t> rtxPayloadType;
};

struct OutboundRewriteStats {
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t payloadOctets = 0;  // RFC 3550 section 6.4.1: the SR's octet count
  uint64_t malformed = 0;
  uint64_t wrongPayloadType = 0;
  uint64_t sourceRestarts = 0;
};

// Rewrites the RTP a user sends into one continuous stream (RFC 3550 section 5.1): our SSRC,
// the negotiated payload type, and sequence numbers and timestamps that carry on across a
// restart of the user's sender (a new SSRC, or a jump in sequence numbers), so the remote's
// jitter buffer never sees the source change. Also rewrites the user's RTCP for that stream.
class OutboundRtpRewriter {
public:
  explicit OutboundRtpRewriter(const OutboundStreamConfig& config) : config_(config) {}

  const OutboundStreamConfig& config() const { return config_; }
  const OutboundRewriteStats& stats() const { return stats_; }

  // Rewrites in place; false (and counted) when the packet must not be sent. `header` is the
  // packet's, parsed by the caller (nullptr when it is not RTP: RTCP or malformed), and is
  // updated to what the rewritten packet says.
  bool rewriteRtp(uint8_t* packet, size_t size, rtp::RtpHeader* header, int64_t nowUs);
  // The same, parsing the header itself.
  bool rewriteRtp(uint8_t* packet, size_t size, int64_t nowUs);
  // For a retransmission: the source's sequence number that became `outSequence` (nullopt
  // before the first packet), and a copy of that source packet rewritten as it was sent.
  // The copy is refused (false) unless it comes from the current source and would have been
  // sent: a packet from before a restart is not the one the remote asks for.
  std::optional<uint16_t> sourceSequence(uint16_t outSequence) const;
  bool rewriteRetransmission(uint8_t* packet, size_t size) const;
  // The user's RTCP about this stream: sender SSRCs, SDES and BYE sources become ours, and an
  // SR's RTP timestamp moves by the same offset as the stream's (RFC 3550 section 6.4.1).
  // False when the datagram is not well-formed RTCP.
  bool rewriteRtcp(uint8_t* packet, size_t size) const;
  // The inverse, for the remote's RTCP about this stream on its way to the user: report blocks,
  // NACK, PLI, FIR and REMB that name our SSRC name the user's instead, and sequence numbers
  // (NACK'd packets, a report's highest received) are the user's, so an ordinary RTP sender can
  // act on them. Untouched before the user has sent anything. False when not well-formed RTCP.
  bool restoreRemoteRtcp(uint8_t* packet, size_t size) const;

  bool started() const { return started_; }
  // The user's sender SSRC (what feedback to the user names); meaningful once started.
  uint32_t inputSsrc() const { return inSsrc_; }
  // The stream's RTP clock at `nowUs`: the latest packet's timestamp moved on by the time since
  // it arrived. An SR's NTP/RTP pair derived this way needs no clock from the user's sender.
  uint32_t rtpTimestampAt(int64_t nowUs) const;

private:
  void restart(uint16_t inSeq, uint32_t inTs, int64_t nowUs);

  OutboundStreamConfig config_;
  OutboundRewriteStats stats_;
  bool started_ = false;
  uint32_t inSsrc_ = 0;
  uint16_t lastInSeq_ = 0;
  uint16_t seqDelta_ = 0;
  uint32_t tsDelta_ = 0;
  uint16_t highestOutSeq_ = 0;
  uint32_t highestOutTs_ = 0;
  int64_t highestAtUs_ = 0;
};

}  // namespace wg::media
