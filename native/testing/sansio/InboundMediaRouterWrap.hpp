#pragma once

#include "../../core/media/InboundMediaRouter.hpp"

#include <napi.h>

namespace wg::binding {

// `new sansio.InboundMediaRouter()`: the core's inbound router, for unit tests.
//   setRoutes([{payloadType, media, redirectPayloadType?}]), expectRemoteSsrc(ssrc, media),
//   setLocalSsrc(media, ssrc|null), routeRtp(packet) -> {media, packet} | null,
//   splitRtcp(packet) -> {video?, audio?} | null, remoteVideoSsrc() -> number | null, stats().
class InboundMediaRouterWrap : public Napi::ObjectWrap<InboundMediaRouterWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit InboundMediaRouterWrap(const Napi::CallbackInfo& info);

private:
  Napi::Value setRoutes(const Napi::CallbackInfo& info);
  Napi::Value expectRemoteSsrc(const Napi::CallbackInfo& info);
  Napi::Value setLocalSsrc(const Napi::CallbackInfo& info);
  Napi::Value routeRtp(const Napi::CallbackInfo& info);
  Napi::Value splitRtcp(const Napi::CallbackInfo& info);
  Napi::Value remoteVideoSsrc(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);

  media::InboundMediaRouter router_;
  media::RtcpSplit split_;
};

}  // namespace wg::binding
