#include "InboundMediaRouter.hpp"

#include "../common/ByteReader.hpp"
#include "../rtcp/RtcpCompound.hpp"
#include "../rtp/RtpHeader.hpp"

#include <cstring>

namespace wg::media {

std::optional<RoutedRtp> InboundMediaRouter::routeRtp(uint8_t* packet, size_t& size) {
  auto header = rtp::RtpHeader::parse(packet, size);
  return routeRtp(packet, size, header ? &*header : nullptr);
}

std::optional<RoutedRtp> InboundMediaRouter::routeRtp(uint8_t* packet, size_t& size, rtp::RtpHeader* header) {
  if (!header) {
    ++stats_.malformed;
    return std::nullopt;
  }
  RoutedRtp routed;
  if (routes_.empty()) {
    ++stats_.rtp[index(MediaKind::Video)];
    routed.ssrc = header->ssrc;
    routed.sequence = header->sequenceNumber;
    routed.timestamp = header->timestamp;
    return routed;
  }
  for (const InboundRoute& rtx : routes_) {
    if (rtx.payloadType != header->payloadType || !rtx.rtxFor) continue;
    if (!unwrapRtx(packet, size, *header, rtx)) return std::nullopt;
    routed.retransmission = true;
    break;
  }
  for (const InboundRoute& route : routes_) {
    if (route.payloadType != header->payloadType || route.rtxFor) continue;
    if (route.redirectPayloadType) rtp::setPayloadType(packet, *route.redirectPayloadType);
    if (!remoteKind(header->ssrc)) learn(header->ssrc, route.kind);
    if (route.kind == MediaKind::Video) remoteVideoSsrc_ = header->ssrc;
    ++stats_.rtp[index(route.kind)];
    routed.kind = route.kind;
    routed.ssrc = header->ssrc;
    routed.sequence = header->sequenceNumber;
    routed.timestamp = header->timestamp;
    routed.clockRate = route.clockRate;
    return routed;
  }
  ++stats_.unknownPayloadType;
  return std::nullopt;
}

void InboundMediaRouter::expectRemoteRtx(uint32_t rtxSsrc, uint32_t mediaSsrc) {
  for (size_t i = 0; i < rtxPairCount_; ++i) {
    if (rtxPairs_[i].rtx == rtxSsrc) {
      rtxPairs_[i].media = mediaSsrc;
      return;
    }
  }
  if (rtxPairCount_ < rtxPairs_.size()) rtxPairs_[rtxPairCount_++] = {rtxSsrc, mediaSsrc};
}

bool InboundMediaRouter::unwrapRtx(uint8_t* packet, size_t& size, rtp::RtpHeader& header, const InboundRoute& rtx) {
  size_t payload = header.payloadLength(size);
  if (payload < 2) {
    ++stats_.rtxPadding;
    return false;
  }
  // The original source: as a=ssrc-group:FID paired them, else the remote's current one.
  std::optional<uint32_t> media;
  for (size_t i = 0; i < rtxPairCount_; ++i) {
    if (rtxPairs_[i].rtx == header.ssrc) media = rtxPairs_[i].media;
  }
  if (!media) {
    for (const InboundRoute& route : routes_) {
      if (route.payloadType == *rtx.rtxFor && route.kind == MediaKind::Video) media = remoteVideoSsrc_;
    }
  }
  if (!media) {
    ++stats_.unknownPayloadType;
    return false;
  }
  // RFC 4588 section 4: the original sequence number leads the payload; the rest is the original.
  uint8_t* at = packet + header.headerLength;
  uint16_t original = readU16(at);
  std::memmove(at, at + 2, size - header.headerLength - 2);
  size -= 2;
  rtp::setSequenceNumber(packet, original);
  rtp::setSsrc(packet, *media);
  rtp::setPayloadType(packet, *rtx.rtxFor);
  // The header keeps its length and padding; what it names is the original's now.
  header.sequenceNumber = original;
  header.ssrc = *media;
  header.payloadType = *rtx.rtxFor;
  ++stats_.retransmissions;
  return true;
}

bool InboundMediaRouter::splitRtcp(const uint8_t* packet, size_t size, RtcpSplit& out) {
  for (auto& part : out.parts) part.clear();
  rtcp::RtcpCompound compound(packet, size);
  if (!compound.valid()) {
    ++stats_.malformed;
    return false;
  }
  rtcp::RtcpPacketView view;
  while (compound.next(view)) {
    MediaKind kind = classifyRtcp(view.data, view.size, view.type, view.count);
    auto& part = out.parts[index(kind)];
    part.insert(part.end(), view.data, view.data + view.size);
  }
  for (size_t k = 0; k < kMediaKinds; ++k) {
    if (!out.parts[k].empty()) ++stats_.rtcp[k];
  }
  return true;
}

// RFC 3550 section 6.4 (SR/RR report blocks name the source reported on), section 6.5/6.6
// (SDES/BYE name their sources), RFC 4585 section 6.1 (feedback names the media source).
MediaKind InboundMediaRouter::classifyRtcp(const uint8_t* data, size_t size, uint8_t type, uint8_t count) const {
  auto byRemote = [&](size_t offset) -> std::optional<MediaKind> {
    return size >= offset + 4 ? remoteKind(readU32(data + offset)) : std::nullopt;
  };
  auto byLocal = [&](size_t offset) -> std::optional<MediaKind> {
    return size >= offset + 4 ? localKind(readU32(data + offset)) : std::nullopt;
  };
  std::optional<MediaKind> kind;
  switch (type) {
    case rtcp::type::SenderReport:
      kind = byRemote(4);
      if (!kind && count > 0) kind = byLocal(28);
      break;
    case rtcp::type::ReceiverReport:
      if (count > 0) kind = byLocal(8);
      break;
    case rtcp::type::SourceDescription:
    case rtcp::type::Goodbye:
      if (count > 0) kind = byRemote(4);
      break;
    case rtcp::type::TransportFeedback:
    case rtcp::type::PayloadFeedback:
      kind = byLocal(8);
      break;
    default:
      kind = byRemote(4);
      break;
  }
  if (kind) return *kind;
  // Unattributable (an RR without blocks, REMB with no media source): the video stream's
  // receiver is the one that can use it, unless the connection carries no video.
  bool hasVideo = localSsrc_[index(MediaKind::Video)].has_value() || remoteVideoSsrc_.has_value();
  bool hasAudio = localSsrc_[index(MediaKind::Audio)].has_value();
  return !hasVideo && hasAudio ? MediaKind::Audio : MediaKind::Video;
}

void InboundMediaRouter::learn(uint32_t ssrc, MediaKind kind) {
  for (size_t i = 0; i < remoteCount_; ++i) {
    if (remote_[i].ssrc == ssrc) {
      remote_[i].kind = kind;
      return;
    }
  }
  remote_[remoteNext_] = {ssrc, kind};
  remoteNext_ = (remoteNext_ + 1) % remote_.size();
  if (remoteCount_ < remote_.size()) ++remoteCount_;
  if (kind == MediaKind::Video && !remoteVideoSsrc_) remoteVideoSsrc_ = ssrc;
}

std::optional<MediaKind> InboundMediaRouter::remoteKind(uint32_t ssrc) const {
  for (size_t i = 0; i < remoteCount_; ++i) {
    if (remote_[i].ssrc == ssrc) return remote_[i].kind;
  }
  return std::nullopt;
}

std::optional<MediaKind> InboundMediaRouter::localKind(uint32_t ssrc) const {
  for (size_t k = 0; k < kMediaKinds; ++k) {
    if (localSsrc_[k] == ssrc) return static_cast<MediaKind>(k);
  }
  return std::nullopt;
}

}  // namespace wg::media
