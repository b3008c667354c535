#pragma once

#include "../../core/media/OutboundRtpRewriter.hpp"

#include <napi.h>

#include <optional>

namespace wg::binding {

// `new sansio.OutboundRtpRewriter({ssrc, payloadType, inputPayloadType?, clockRate})`: the
// core's outbound stream rewriter, for unit tests. Each call copies the packet.
class OutboundRtpRewriterWrap : public Napi::ObjectWrap<OutboundRtpRewriterWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit OutboundRtpRewriterWrap(const Napi::CallbackInfo& info);

private:
  // rewriteRtp(packet, nowUs) / rewriteRtcp(packet): the rewritten copy, or null if dropped.
  Napi::Value rewriteRtp(const Napi::CallbackInfo& info);
  Napi::Value rewriteRtcp(const Napi::CallbackInfo& info);
  // restoreRemoteRtcp(packet): the remote's RTCP in the user's SSRC and numbering, or null.
  Napi::Value restoreRemoteRtcp(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);

  std::optional<media::OutboundRtpRewriter> rewriter_;
};

}  // namespace wg::binding
