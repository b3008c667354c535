#include "OutboundRtpRewriter.hpp"

#include "../common/ByteReader.hpp"
#include "../rtcp/RtcpCompound.hpp"
#include "../rtcp/RtcpWriters.hpp"
#include "../rtp/RtpHeader.hpp"

namespace wg::media {

namespace {
// A sequence jump larger than this (either way) is a new sender reusing the SSRC rather than
// reordering or loss: at 30 packets per frame it is still over 3 s of video.
constexpr int kRestartJump = 3000;
}  // namespace

bool OutboundRtpRewriter::rewriteRtp(uint8_t* packet, size_t size, int64_t nowUs) {
  auto header = rtcp::isRtcp(packet, size) ? std::nullopt : rtp::RtpHeader::parse(packet, size);
  return rewriteRtp(packet, size, header ? &*header : nullptr, nowUs);
}

bool OutboundRtpRewriter::rewriteRtp(uint8_t* packet, size_t size, rtp::RtpHeader* header, int64_t nowUs) {
  if (!header) {
    ++stats_.malformed;
    return false;
  }
  if (config_.inputPayloadType && header->payloadType != *config_.inputPayloadType) {
    ++stats_.wrongPayloadType;
    return false;
  }
  int jump = static_cast<int16_t>(static_cast<uint16_t>(header->sequenceNumber - lastInSeq_));
  if (!started_ || header->ssrc != inSsrc_ || jump > kRestartJump || jump < -kRestartJump) {
    if (started_) ++stats_.sourceRestarts;
    inSsrc_ = header->ssrc;
    restart(header->sequenceNumber, header->timestamp, nowUs);
  }
  lastInSeq_ = header->sequenceNumber;
  uint16_t outSeq = static_cast<uint16_t>(header->sequenceNumber + seqDelta_);
  uint32_t outTs = header->timestamp + tsDelta_;
  if (static_cast<int16_t>(static_cast<uint16_t>(outSeq - highestOutSeq_)) > 0 || stats_.packets == 0) {
    highestOutSeq_ = outSeq;
    highestOutTs_ = outTs;
    highestAtUs_ = nowUs;
  }
  rtp::setSsrc(packet, config_.ssrc);
  rtp::setPayloadType(packet, config_.payloadType);
  rtp::setSequenceNumber(packet, outSeq);
  rtp::setTimestamp(packet, outTs);
  size_t payload = header->payloadLength(size);
  header->ssrc = config_.ssrc;
  header->payloadType = config_.payloadType;
  header->sequenceNumber = outSeq;
  header->timestamp = outTs;
  ++stats_.packets;
  stats_.bytes += size;
  stats_.payloadOctets += payload;
  return true;
}

std::optional<uint16_t> OutboundRtpRewriter::sourceSequence(uint16_t outSequence) const {
  if (!started_) return std::nullopt;
  return static_cast<uint16_t>(outSequence - seqDelta_);
}

bool OutboundRtpRewriter::rewriteRetransmission(uint8_t* packet, size_t size) const {
  auto header = rtp::RtpHeader::parse(packet, size);
  if (!started_ || !header || header->ssrc != inSsrc_) return false;
  if (config_.inputPayloadType && header->payloadType != *config_.inputPayloadType) return false;
  rtp::setSsrc(packet, config_.ssrc);
  rtp::setPayloadType(packet, config_.payloadType);
  rtp::setSequenceNumber(packet, static_cast<uint16_t>(header->sequenceNumber + seqDelta_));
  rtp::setTimestamp(packet, header->timestamp + tsDelta_);
  return true;
}

uint32_t OutboundRtpRewriter::rtpTimestampAt(int64_t nowUs) const {
  int64_t elapsedUs = nowUs > highestAtUs_ ? nowUs - highestAtUs_ : 0;
  return highestOutTs_ + static_cast<uint32_t>(elapsedUs * static_cast<int64_t>(config_.clockRate) / 1000000);
}

void OutboundRtpRewriter::restart(uint16_t inSeq, uint32_t inTs, int64_t nowUs) {
  if (!started_) {
    // The first source keeps its own numbering: only later ones are shifted onto it.
    started_ = true;
    seqDelta_ = 0;
    tsDelta_ = 0;
    return;
  }
  // The new source continues one sequence number and the elapsed wall-clock time after the
  // last packet sent, so the remote sees a pause, not a jump.
  int64_t elapsedUs = nowUs > highestAtUs_ ? nowUs - highestAtUs_ : 0;
  uint32_t elapsedTicks = static_cast<uint32_t>(elapsedUs * static_cast<int64_t>(config_.clockRate) / 1000000);
  if (elapsedTicks == 0) elapsedTicks = 1;
  seqDelta_ = static_cast<uint16_t>(highestOutSeq_ + 1 - inSeq);
  tsDelta_ = highestOutTs_ + elapsedTicks - inTs;
}

bool OutboundRtpRewriter::rewriteRtcp(uint8_t* packet, size_t size) const {
  rtcp::RtcpCompound compound(packet, size);
  if (!compound.valid()) return false;
  rtcp::RtcpPacketView view;
  while (compound.next(view)) {
    auto* p = const_cast<uint8_t*>(view.data);
    switch (view.type) {
      case rtcp::type::SenderReport:
        if (view.size >= 28) {
          writeU32(p + 4, config_.ssrc);
          writeU32(p + 16, readU32(p + 16) + tsDelta_);
        }
        break;
      case rtcp::type::SourceDescription:
      case rtcp::type::Goodbye:
        // BYE lists sources; SDES starts each chunk with one (RFC 3550 sections 6.5, 6.6).
        // A sender of one stream describes one source: the first.
        if (view.count > 0 && view.size >= 8) writeU32(p + 4, config_.ssrc);
        break;
      default:
        if (view.size >= 8) writeU32(p + 4, config_.ssrc);
        break;
    }
  }
  return true;
}

bool OutboundRtpRewriter::restoreRemoteRtcp(uint8_t* packet, size_t size) const {
  rtcp::RtcpCompound compound(packet, size);
  if (!compound.valid()) return false;
  if (!started_) return true;
  auto restoreSsrc = [&](uint8_t* at) {
    if (readU32(at) == config_.ssrc) writeU32(at, inSsrc_);
  };
  rtcp::RtcpPacketView view;
  while (compound.next(view)) {
    auto* p = const_cast<uint8_t*>(view.data);
    const size_t end = view.size;
    switch (view.type) {
      case rtcp::type::SenderReport:
      case rtcp::type::ReceiverReport: {
        // RFC 3550 section 6.4.1: report blocks follow the sender info (SR) or the SSRC (RR).
        size_t offset = view.type == rtcp::type::SenderReport ? 28 : 8;
        for (uint8_t i = 0; i < view.count && offset + rtcp::kReportBlockSize <= end; ++i, offset += rtcp::kReportBlockSize) {
          if (readU32(p + offset) != config_.ssrc) continue;
          writeU32(p + offset, inSsrc_);
          // Extended highest sequence number in the user's numbering: all 32 bits move by the
          // shift taken as the nearest signed distance, so the value stays monotonic across a
          // wrap of the low 16 bits.
          int32_t shift = static_cast<int16_t>(seqDelta_);
          writeU32(p + offset + 8, readU32(p + offset + 8) - static_cast<uint32_t>(shift));
        }
        break;
      }
      case rtcp::type::TransportFeedback:
        if (end < 12 || readU32(p + 8) != config_.ssrc) break;
        writeU32(p + 8, inSsrc_);
        // RFC 4585 section 6.2.1: each generic NACK names a packet id and a bitmask after it.
        if (view.count == rtcp::fmt::Nack) {
          for (size_t offset = 12; offset + 4 <= end; offset += 4) writeU16(p + offset, static_cast<uint16_t>(readU16(p + offset) - seqDelta_));
        }
        break;
      case rtcp::type::PayloadFeedback:
        if (end >= 12) restoreSsrc(p + 8);
        if (view.count == rtcp::fmt::Fir) {
          // RFC 5104 section 4.3.1.1: the media source field is unused; each entry names one.
          for (size_t offset = 12; offset + 8 <= end; offset += 8) restoreSsrc(p + offset);
        } else if (view.count == rtcp::fmt::Remb && end >= 20 && readU32(p + 12) == 0x52454d42 /* "REMB" */) {
          size_t sources = p[16];
          for (size_t i = 0, offset = 20; i < sources && offset + 4 <= end; ++i, offset += 4) restoreSsrc(p + offset);
        }
        break;
      default:
        break;
    }
  }
  return true;
}

}  // namespace wg::media
