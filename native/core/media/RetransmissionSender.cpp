#include "RetransmissionSender.hpp"

#include "../common/ByteReader.hpp"
#include "../rtp/RtpHeader.hpp"

#include <cstring>

namespace wg::media {

namespace {
constexpr size_t kSrtpHeadroom = 64;  // the caller protects the result in place
}

size_t RetransmissionSender::build(const rtp::RtpPacketCache::Entry& entry, uint8_t* out, size_t capacity) {
  if (!usesRtx()) {
    if (entry.size + kSrtpHeadroom > capacity) return 0;
    std::memcpy(out, entry.data, entry.size);
    return entry.size;
  }
  auto header = rtp::RtpHeader::parse(entry.data, entry.size);
  if (!header) return 0;
  // RFC 4588 section 4: header (CSRCs and extensions kept), then the original sequence number,
  // then the original payload. The original padding is not carried over.
  size_t payload = header->payloadLength(entry.size);
  size_t size = header->headerLength + 2 + payload;
  if (size + kSrtpHeadroom > capacity) return 0;
  std::memcpy(out, entry.data, header->headerLength);
  out[0] &= static_cast<uint8_t>(~0x20);  // P=0
  writeU16(out + header->headerLength, header->sequenceNumber);
  std::memcpy(out + header->headerLength + 2, entry.data + header->headerLength, payload);
  rtp::setSsrc(out, *config_.rtxSsrc);
  rtp::setPayloadType(out, *config_.rtxPayloadType);
  rtp::setSequenceNumber(out, rtxSequence_++);
  return size;
}

}  // namespace wg::media
