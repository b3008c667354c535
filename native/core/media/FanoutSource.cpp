#include "FanoutSource.hpp"

#include "../rtcp/RtcpCompound.hpp"

namespace wg::media {

const rtp::RtpHeader* FanoutSource::ingest(const uint8_t* data, size_t size, int64_t nowUs) {
  // RFC 5761 section 4: an RTP port may carry RTCP too (rtcp-mux); that is no one's to repeat.
  header_ = rtcp::isRtcp(data, size) ? std::nullopt : rtp::RtpHeader::parse(data, size);
  if (!header_) return nullptr;
  if (recentPackets_) recentPackets_->store(header_->sequenceNumber, data, size, nowUs);
  return &*header_;
}

void FanoutSource::keepRecentPackets() {
  if (!recentPackets_) recentPackets_.emplace();
}

}  // namespace wg::media
