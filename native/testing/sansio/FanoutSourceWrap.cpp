#include "FanoutSourceWrap.hpp"

#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"
#include "RtcpFunctions.hpp"

namespace wg::binding {

namespace {
// Tells a FanoutSource wrap from any other object handed in its place.
constexpr napi_type_tag kFanoutSourceTag = {0x6d3f0a51c2e84b17ULL, 0x9b1e4f7a20c5d863ULL};
}  // namespace

Napi::Function FanoutSourceWrap::define(Napi::Env env) {
  return DefineClass(env, "FanoutSource",
                     {
                         InstanceMethod<&FanoutSourceWrap::ingest>("ingest"),
                         InstanceMethod<&FanoutSourceWrap::keepRecentPackets>("keepRecentPackets"),
                         InstanceMethod<&FanoutSourceWrap::hasPacket>("hasPacket"),
                         InstanceMethod<&FanoutSourceWrap::keyframeRequests>("keyframeRequests"),
                     });
}

FanoutSourceWrap::FanoutSourceWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FanoutSourceWrap>(info) {
  info.This().As<Napi::Object>().TypeTag(&kFanoutSourceTag);
}

FanoutSourceWrap* FanoutSourceWrap::from(const Napi::Value& value) {
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kFanoutSourceTag)) return nullptr;
  return Unwrap(value.As<Napi::Object>());
}

Napi::Value FanoutSourceWrap::ingest(const Napi::CallbackInfo& info) {
  datagram_ = requireBytes(info.Env(), info[0], "datagram");
  header_ = source_.ingest(datagram_.data(), datagram_.size(), int64Arg(info, 1, "nowUs"));
  if (!header_) return info.Env().Null();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("ssrc", static_cast<double>(header_->ssrc));
  o.Set("sequenceNumber", header_->sequenceNumber);
  o.Set("payloadType", header_->payloadType);
  return o;
}

Napi::Value FanoutSourceWrap::keepRecentPackets(const Napi::CallbackInfo& info) {
  source_.keepRecentPackets();
  return info.Env().Undefined();
}

Napi::Value FanoutSourceWrap::hasPacket(const Napi::CallbackInfo& info) {
  uint32_t sequence = uint32Arg(info, 0, "sequenceNumber");
  const rtp::RtpPacketCache* cache = source_.recentPackets();
  return Napi::Boolean::New(info.Env(), cache && sequence <= 0xFFFF && cache->find(static_cast<uint16_t>(sequence)));
}

Napi::Value FanoutSourceWrap::keyframeRequests(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("forwarded", static_cast<double>(source_.keyframeRequests().forwarded()));
  o.Set("coalesced", static_cast<double>(source_.keyframeRequests().coalesced()));
  return o;
}

}  // namespace wg::binding
