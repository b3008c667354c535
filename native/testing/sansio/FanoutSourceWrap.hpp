#pragma once

#include "../../core/media/FanoutSource.hpp"

#include <napi.h>

#include <vector>

namespace wg::binding {

// `new sansio.FanoutSource()`: what one ingest port shares among the connections it feeds, for
// unit tests. ingest(datagram, nowUs) -> {ssrc, sequenceNumber, payloadType} | null (not RTP)
// keeps the datagram as the port's current one (MediaSession.onUserRtp(kind, source, nowUs)
// delivers it); keepRecentPackets(); hasPacket(sequenceNumber) -> whether it is kept for NACKs;
// keyframeRequests() -> {forwarded, coalesced}.
class FanoutSourceWrap : public Napi::ObjectWrap<FanoutSourceWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit FanoutSourceWrap(const Napi::CallbackInfo& info);
  // The wrap behind `value`, or nullptr when it is not a FanoutSource.
  static FanoutSourceWrap* from(const Napi::Value& value);

  media::FanoutSource& source() { return source_; }
  const std::vector<uint8_t>& datagram() const { return datagram_; }
  const rtp::RtpHeader* header() const { return header_; }

private:
  Napi::Value ingest(const Napi::CallbackInfo& info);
  Napi::Value keepRecentPackets(const Napi::CallbackInfo& info);
  Napi::Value hasPacket(const Napi::CallbackInfo& info);
  Napi::Value keyframeRequests(const Napi::CallbackInfo& info);

  media::FanoutSource source_;
  std::vector<uint8_t> datagram_;
  const rtp::RtpHeader* header_ = nullptr;
};

}  // namespace wg::binding
