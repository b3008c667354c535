#include "RetransmissionSender.hpp"

#include "../common/ByteReader.hpp"
#include "../rtp/RtpHeader.hpp"
#include "../srtp/SrtpProfile.hpp"

#include <cstring>

namespace wg::media {

const rtp::RtpPacketCache::Entry* RetransmissionSender::find(const rtp::RtpPacketCache& cache, const OutboundRtpRewriter* rewriter,
                                                             uint16_t sequence) {
  if (!rewriter) return cache.find(sequence);
  auto source = rewriter->sourceSequence(sequence);
  return source ? cache.find(*source) : nullptr;
}

size_t RetransmissionSender::build(const rtp::RtpPacketCache::Entry& entry, const OutboundRtpRewriter* rewriter, uint16_t sequence,
                                   uint8_t* out, size_t capacity) {
  auto header = rtp::RtpHeader::parse(entry.data, entry.size);
  if (!header || entry.size + (usesRtx() ? 2 : 0) + srtp::kProtectHeadroom > capacity  /* the caller protects it in place */) return 0;
  std::memcpy(out, entry.data, entry.size);
  if (rewriter && !rewriter->rewriteRetransmission(out, entry.size)) return 0;
  if (!usesRtx()) return entry.size;
  // RFC 4588 section 4: header (CSRCs and extensions kept), then the original sequence number,
  // then the original payload. The original padding is not carried over.
  size_t payload = header->payloadLength(entry.size);
  std::memmove(out + header->headerLength + 2, out + header->headerLength, payload);
  writeU16(out + header->headerLength, sequence);
  out[0] &= static_cast<uint8_t>(~0x20);  // P=0
  rtp::setSsrc(out, *config_.rtxSsrc);
  rtp::setPayloadType(out, *config_.rtxPayloadType);
  rtp::setSequenceNumber(out, rtxSequence_++);
  return header->headerLength + 2 + payload;
}

}  // namespace wg::media
