#pragma once

#include "../../core/media/OutboundRtpRewriter.hpp"
#include "../../core/media/RetransmissionSender.hpp"
#include "../../core/rtp/RtpPacketCache.hpp"

#include <napi.h>

#include <memory>
#include <optional>
#include <vector>

namespace wg::binding {

// `new sansio.RetransmissionSender(config?)`: NACK answers from a packet cache (sans-IO), for tests.
//   config {rtxSsrc?, rtxPayloadType?, rtxFirstSequence?, stream?: {ssrc, payloadType}};
//   onSent(seq, packet, nowUs) keeps the packet as a source port does (with `stream`, it is the
//   user's packet and the rewritten one is returned, as a connection sends it);
//   onNack(fci, nowUs, minIntervalUs, capacity?) -> the packets sent, in order; stats(), usesRtx().
class RetransmissionSenderWrap : public Napi::ObjectWrap<RetransmissionSenderWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit RetransmissionSenderWrap(const Napi::CallbackInfo& info);

private:
  Napi::Value onSent(const Napi::CallbackInfo& info);
  Napi::Value onNack(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);
  Napi::Value usesRtx(const Napi::CallbackInfo& info);

  std::unique_ptr<media::RetransmissionSender> sender_;
  rtp::RtpPacketCache cache_;
  std::optional<media::OutboundRtpRewriter> rewriter_;
  std::vector<uint8_t> scratch_;
};

}  // namespace wg::binding
