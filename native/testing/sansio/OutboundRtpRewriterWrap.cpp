#include "OutboundRtpRewriterWrap.hpp"

#include "../../binding/Convert.hpp"
#include "../../binding/MediaRoutingFromJs.hpp"
#include "../../binding/NativeError.hpp"

namespace wg::binding {

Napi::Function OutboundRtpRewriterWrap::define(Napi::Env env) {
  return DefineClass(env, "OutboundRtpRewriter",
                     {
                         InstanceMethod<&OutboundRtpRewriterWrap::rewriteRtp>("rewriteRtp"),
                         InstanceMethod<&OutboundRtpRewriterWrap::rewriteRtcp>("rewriteRtcp"),
                         InstanceMethod<&OutboundRtpRewriterWrap::restoreRemoteRtcp>("restoreRemoteRtcp"),
                         InstanceMethod<&OutboundRtpRewriterWrap::stats>("stats"),
                     });
}

OutboundRtpRewriterWrap::OutboundRtpRewriterWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<OutboundRtpRewriterWrap>(info) {
  rewriter_.emplace(outboundStreamFromJs(info.Env(), objectArg(info, 0, "stream config")));
}

Napi::Value OutboundRtpRewriterWrap::rewriteRtp(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> packet = requireBytes(info.Env(), info[0], "packet");
  if (info.Length() < 2 || !info[1].IsNumber()) throwTypeError(info.Env(), "nowUs (a number) is required");
  int64_t nowUs = info[1].As<Napi::Number>().Int64Value();
  if (!rewriter_->rewriteRtp(packet.data(), packet.size(), nowUs)) return info.Env().Null();
  return copyToBuffer(info.Env(), packet.data(), packet.size());
}

Napi::Value OutboundRtpRewriterWrap::rewriteRtcp(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> packet = requireBytes(info.Env(), info[0], "packet");
  if (!rewriter_->rewriteRtcp(packet.data(), packet.size())) return info.Env().Null();
  return copyToBuffer(info.Env(), packet.data(), packet.size());
}

Napi::Value OutboundRtpRewriterWrap::restoreRemoteRtcp(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> packet = requireBytes(info.Env(), info[0], "packet");
  if (!rewriter_->restoreRemoteRtcp(packet.data(), packet.size())) return info.Env().Null();
  return copyToBuffer(info.Env(), packet.data(), packet.size());
}

Napi::Value OutboundRtpRewriterWrap::stats(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  const auto& s = rewriter_->stats();
  o.Set("packets", static_cast<double>(s.packets));
  o.Set("malformed", static_cast<double>(s.malformed));
  o.Set("wrongPayloadType", static_cast<double>(s.wrongPayloadType));
  o.Set("sourceRestarts", static_cast<double>(s.sourceRestarts));
  return o;
}

}  // namespace wg::binding
