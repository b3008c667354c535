#include "InboundMediaRouterWrap.hpp"

#include "../JsExports.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/MediaRoutingFromJs.hpp"

namespace wg::binding {

namespace {
const char* mediaName(media::MediaKind kind) { return kind == media::MediaKind::Video ? "video" : "audio"; }
}  // namespace

Napi::Function InboundMediaRouterWrap::define(Napi::Env env) {
  return DefineClass(env, "InboundMediaRouter",
                     {
                         InstanceMethod<&InboundMediaRouterWrap::setRoutes>("setRoutes"),
                         InstanceMethod<&InboundMediaRouterWrap::expectRemoteSsrc>("expectRemoteSsrc"),
                         InstanceMethod<&InboundMediaRouterWrap::setLocalSsrc>("setLocalSsrc"),
                         InstanceMethod<&InboundMediaRouterWrap::routeRtp>("routeRtp"),
                         InstanceMethod<&InboundMediaRouterWrap::splitRtcp>("splitRtcp"),
                         InstanceMethod<&InboundMediaRouterWrap::remoteVideoSsrc>("remoteVideoSsrc"),
                         InstanceMethod<&InboundMediaRouterWrap::stats>("stats"),
                     });
}

InboundMediaRouterWrap::InboundMediaRouterWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<InboundMediaRouterWrap>(info) {}

Napi::Value InboundMediaRouterWrap::setRoutes(const Napi::CallbackInfo& info) {
  router_.setRoutes(inboundRoutesFromJs(info.Env(), info[0]));
  return info.Env().Undefined();
}

Napi::Value InboundMediaRouterWrap::expectRemoteSsrc(const Napi::CallbackInfo& info) {
  router_.expectRemoteSsrc(ssrcFromJs(info.Env(), info[0], "ssrc"), mediaKindFromJs(info.Env(), info[1]));
  return info.Env().Undefined();
}

Napi::Value InboundMediaRouterWrap::setLocalSsrc(const Napi::CallbackInfo& info) {
  media::MediaKind kind = mediaKindFromJs(info.Env(), info[0]);
  if (info[1].IsNull() || info[1].IsUndefined()) router_.setLocalSsrc(kind, std::nullopt);
  else router_.setLocalSsrc(kind, ssrcFromJs(info.Env(), info[1], "ssrc"));
  return info.Env().Undefined();
}

Napi::Value InboundMediaRouterWrap::routeRtp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<uint8_t> packet = requireBytes(env, info[0], "packet");
  size_t size = packet.size();
  auto routed = router_.routeRtp(packet.data(), size);
  if (!routed) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("media", mediaName(routed->kind));
  o.Set("retransmission", routed->retransmission);
  o.Set("packet", copyToBuffer(env, packet.data(), size));
  return o;
}

Napi::Value InboundMediaRouterWrap::splitRtcp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<uint8_t> packet = requireBytes(env, info[0], "packet");
  if (!router_.splitRtcp(packet.data(), packet.size(), split_)) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  for (size_t k = 0; k < media::kMediaKinds; ++k) {
    const auto& part = split_.parts[k];
    if (!part.empty()) o.Set(mediaName(static_cast<media::MediaKind>(k)), copyToBuffer(env, part.data(), part.size()));
  }
  return o;
}

Napi::Value InboundMediaRouterWrap::remoteVideoSsrc(const Napi::CallbackInfo& info) {
  auto ssrc = router_.remoteVideoSsrc();
  return ssrc ? Napi::Number::New(info.Env(), *ssrc) : info.Env().Null();
}

Napi::Value InboundMediaRouterWrap::stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const auto& s = router_.stats();
  return numbersToJs(env,
                     {
                         {"videoRtp", s.rtp[0]},
                         {"audioRtp", s.rtp[1]},
                         {"videoRtcp", s.rtcp[0]},
                         {"audioRtcp", s.rtcp[1]},
                         {"unknownPayloadType", s.unknownPayloadType},
                         {"malformed", s.malformed},
                     });
}

}  // namespace wg::binding
