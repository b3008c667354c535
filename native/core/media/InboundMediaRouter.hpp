#pragma once

#include "../rtp/RtpHeader.hpp"
#include "MediaKind.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace wg::media {

// A payload type the remote may send, and what the user receives it as.
struct InboundRoute {
  uint8_t payloadType = 0;
  MediaKind kind = MediaKind::Video;
  // The user's `payload_type`; nullopt forwards the negotiated one.
  std::optional<uint8_t> redirectPayloadType;
  uint32_t clockRate = 90000;
  // Set when this payload type is RTX (RFC 4588) for the route with that payload type.
  std::optional<uint8_t> rtxFor;
};

// What routeRtp() found out about a packet it accepted.
struct RoutedRtp {
  MediaKind kind = MediaKind::Video;
  uint32_t ssrc = 0;
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  uint32_t clockRate = 90000;
  bool retransmission = false;  // it came as RTX and was unwrapped
};

struct InboundRouteStats {
  std::array<uint64_t, kMediaKinds> rtp{};
  std::array<uint64_t, kMediaKinds> rtcp{};
  uint64_t unknownPayloadType = 0;
  uint64_t malformed = 0;
  uint64_t retransmissions = 0;  // RTX packets unwrapped
  uint64_t rtxPadding = 0;       // RTX without a payload: bandwidth probes, not for the user
};

// One RTCP datagram split by the stream each of its packets is about.
struct RtcpSplit {
  std::array<std::vector<uint8_t>, kMediaKinds> parts;
};

// Decides which of a connection's streams a decrypted packet from the remote belongs to. With
// BUNDLE every stream shares one transport (RFC 8843), so RTP is told apart by payload type
// (unique per m= section in what the gateway negotiates) and RTCP by the SSRCs it is about.
class InboundMediaRouter {
public:
  // With no routes, every RTP packet is video and is forwarded unchanged.
  void setRoutes(std::vector<InboundRoute> routes) { routes_ = std::move(routes); }
  // SSRCs the remote announced in SDP (a=ssrc), before any of its packets arrive.
  void expectRemoteSsrc(uint32_t ssrc, MediaKind kind) { learn(ssrc, kind); }
  // a=ssrc-group:FID: the remote's RTX SSRC for one of its media SSRCs.
  void expectRemoteRtx(uint32_t rtxSsrc, uint32_t mediaSsrc);
  // Our own sending SSRCs: RTCP reports and feedback about them concern that stream.
  void setLocalSsrc(MediaKind kind, std::optional<uint32_t> ssrc) { localSsrc_[index(kind)] = ssrc; }

  // Rewrites the payload type in place and unwraps RTX (RFC 4588 section 4), which shortens the
  // packet by two bytes: `size` is updated. nullopt (counted) when no stream takes the packet.
  // `header` is the packet's, parsed by the caller (nullptr: malformed), and is updated to the
  // unwrapped packet's.
  std::optional<RoutedRtp> routeRtp(uint8_t* packet, size_t& size, rtp::RtpHeader* header);
  // The same, parsing the header itself.
  std::optional<RoutedRtp> routeRtp(uint8_t* packet, size_t& size);
  // False (counted) when the datagram is not well-formed RTCP.
  bool splitRtcp(const uint8_t* packet, size_t size, RtcpSplit& out);

  // The remote's most recent video sender: where a PLI goes.
  std::optional<uint32_t> remoteVideoSsrc() const { return remoteVideoSsrc_; }
  std::optional<uint32_t> localSsrc(MediaKind kind) const { return localSsrc_[index(kind)]; }
  const InboundRouteStats& stats() const { return stats_; }

private:
  void learn(uint32_t ssrc, MediaKind kind);
  std::optional<MediaKind> remoteKind(uint32_t ssrc) const;
  std::optional<MediaKind> localKind(uint32_t ssrc) const;
  MediaKind classifyRtcp(const uint8_t* data, size_t size, uint8_t type, uint8_t count) const;
  // Turns an RTX packet back into the original; false when it carries no original packet.
  bool unwrapRtx(uint8_t* packet, size_t& size, rtp::RtpHeader& header, const InboundRoute& rtx);

  std::vector<InboundRoute> routes_;
  struct KnownSource {
    uint32_t ssrc;
    MediaKind kind;
  };
  // A connection carries a handful of remote sources (media, RTX, FEC): a ring of the latest.
  std::array<KnownSource, 8> remote_{};
  size_t remoteCount_ = 0;
  size_t remoteNext_ = 0;
  std::optional<uint32_t> remoteVideoSsrc_;
  struct RtxPair {
    uint32_t rtx;
    uint32_t media;
  };
  std::array<RtxPair, 4> rtxPairs_{};
  size_t rtxPairCount_ = 0;
  std::array<std::optional<uint32_t>, kMediaKinds> localSsrc_{};
  InboundRouteStats stats_;
};

}  // namespace wg::media
