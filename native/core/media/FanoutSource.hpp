#pragma once

#include "../rtp/RtpHeader.hpp"
#include "../rtp/RtpPacketCache.hpp"
#include "KeyframeRequestGate.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace wg::media {

// What one ingest port's datagrams are shared by, however many connections it feeds (fan-out):
// the RTP header, parsed once for all of them; the latest packets as the user sent them, kept
// once to answer every connection's NACKs (RetransmissionSender); and the gate that lets one
// keyframe request per interval reach the user's encoder. Sans-IO: the port hands in datagrams.
class FanoutSource {
public:
  // The datagram's RTP header (RFC 3550 section 5.1), or nullptr when it is RTCP or not
  // well-formed RTP; valid until the next call. Kept for NACKs first when keepRecentPackets()
  // was called: a connection may be asked for it again (RFC 4585 section 6.2.1).
  const rtp::RtpHeader* ingest(const uint8_t* data, size_t size, int64_t nowUs);

  // From the first call on, the latest packets are kept (a stream with NACK negotiated asks).
  void keepRecentPackets();
  const rtp::RtpPacketCache* recentPackets() const { return recentPackets_ ? &*recentPackets_ : nullptr; }
  KeyframeRequestGate& keyframeRequests() { return keyframeRequests_; }

private:
  std::optional<rtp::RtpHeader> header_;
  std::optional<rtp::RtpPacketCache> recentPackets_;
  KeyframeRequestGate keyframeRequests_;
};

}  // namespace wg::media
