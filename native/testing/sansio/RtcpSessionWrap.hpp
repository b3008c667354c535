#pragma once

#include "../../core/media/RtcpSession.hpp"

#include <napi.h>

#include <optional>
#include <vector>

namespace wg::binding {

// `new sansio.RtcpSession(config?)`: a connection's own RTCP (sans-IO), for unit tests.
//   config {cname?, receiverSsrc?, nack?, transportCcExtensionId?, rembBps?, reportIntervalUs?,
//   transportFeedbackIntervalUs?}; setSendStream(kind, ssrc | null),
//   onReceivedRtp(kind, ssrc, seq, timestamp, clockRate, size, nowUs, retransmission?) -> new work,
//   onTransportSequence(seq, nowUs) -> new work, onRemoteRtcp(datagram, nowUs, nowNtp),
//   countPliSent(), poll(nowUs, nowNtp, {video?, audio?: snapshot | null}, capacity?) -> Buffer | null,
//   nextDeadlineUs(), rttEstimateUs(), rttUs() -> number | null, sendStats() -> {video, audio},
//   receiveStats() -> [...], receiveFeedback(). Kinds are 'video' | 'audio'.
class RtcpSessionWrap : public Napi::ObjectWrap<RtcpSessionWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit RtcpSessionWrap(const Napi::CallbackInfo& info);

private:
  Napi::Value setSendStream(const Napi::CallbackInfo& info);
  Napi::Value onReceivedRtp(const Napi::CallbackInfo& info);
  Napi::Value onTransportSequence(const Napi::CallbackInfo& info);
  Napi::Value onRemoteRtcp(const Napi::CallbackInfo& info);
  Napi::Value countPliSent(const Napi::CallbackInfo& info);
  Napi::Value poll(const Napi::CallbackInfo& info);
  Napi::Value nextDeadlineUs(const Napi::CallbackInfo& info);
  Napi::Value rttEstimateUs(const Napi::CallbackInfo& info);
  Napi::Value rttUs(const Napi::CallbackInfo& info);
  Napi::Value sendStats(const Napi::CallbackInfo& info);
  Napi::Value receiveStats(const Napi::CallbackInfo& info);
  Napi::Value receiveFeedback(const Napi::CallbackInfo& info);

  std::optional<media::RtcpSession> session_;
  std::vector<uint8_t> out_;
};

}  // namespace wg::binding
