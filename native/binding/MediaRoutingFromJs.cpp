#include "MediaRoutingFromJs.hpp"

#include "NativeError.hpp"

#include <string>

namespace wg::binding {

namespace {
double integerIn(Napi::Env env, const Napi::Value& v, double max, const char* what) {
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && d <= max) || d != static_cast<double>(static_cast<uint64_t>(d)))
    throwTypeError(env, std::string(what) + " must be an integer in [0, " + std::to_string(static_cast<uint64_t>(max)) + "]");
  return d;
}
}  // namespace

media::MediaKind mediaKindFromJs(Napi::Env env, const Napi::Value& v) {
  std::string name = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (name == "video") return media::MediaKind::Video;
  if (name == "audio") return media::MediaKind::Audio;
  throwTypeError(env, "media must be 'video' or 'audio'");
}

media::PacketKind packetKindFromJs(Napi::Env env, const Napi::Value& v) {
  std::string name = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (name == "rtp") return media::PacketKind::Rtp;
  if (name == "rtcp") return media::PacketKind::Rtcp;
  throwTypeError(env, "kind must be 'rtp' or 'rtcp'");
}

uint8_t payloadTypeFromJs(Napi::Env env, const Napi::Value& v, const char* what) {
  return static_cast<uint8_t>(integerIn(env, v, 127, what));
}

uint32_t ssrcFromJs(Napi::Env env, const Napi::Value& v, const char* what) {
  return static_cast<uint32_t>(integerIn(env, v, 4294967295.0, what));
}

media::OutboundStreamConfig outboundStreamFromJs(Napi::Env env, const Napi::Object& o) {
  media::OutboundStreamConfig config;
  config.ssrc = ssrcFromJs(env, o.Get("ssrc"), "ssrc");
  config.payloadType = payloadTypeFromJs(env, o.Get("payloadType"), "payloadType");
  Napi::Value input = o.Get("inputPayloadType");
  if (!input.IsUndefined() && !input.IsNull()) config.inputPayloadType = payloadTypeFromJs(env, input, "inputPayloadType");
  double rate = integerIn(env, o.Get("clockRate"), 1000000, "clockRate");
  if (rate == 0) throwTypeError(env, "clockRate must be positive");
  config.clockRate = static_cast<uint32_t>(rate);
  config.nack = o.Get("nack").ToBoolean().Value();
  Napi::Value rtxSsrc = o.Get("rtxSsrc");
  Napi::Value rtxPayloadType = o.Get("rtxPayloadType");
  if (!rtxSsrc.IsUndefined() && !rtxPayloadType.IsUndefined()) {
    config.rtxSsrc = ssrcFromJs(env, rtxSsrc, "rtxSsrc");
    config.rtxPayloadType = payloadTypeFromJs(env, rtxPayloadType, "rtxPayloadType");
  }
  return config;
}

std::vector<media::InboundRoute> inboundRoutesFromJs(Napi::Env env, const Napi::Value& v) {
  if (!v.IsArray()) throwTypeError(env, "routes must be an array");
  Napi::Array list = v.As<Napi::Array>();
  std::vector<media::InboundRoute> routes;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    if (!list.Get(i).IsObject()) throwTypeError(env, "each route must be an object");
    Napi::Object o = list.Get(i).As<Napi::Object>();
    media::InboundRoute route;
    route.payloadType = payloadTypeFromJs(env, o.Get("payloadType"), "payloadType");
    route.kind = mediaKindFromJs(env, o.Get("media"));
    Napi::Value redirect = o.Get("redirectPayloadType");
    if (!redirect.IsUndefined() && !redirect.IsNull())
      route.redirectPayloadType = payloadTypeFromJs(env, redirect, "redirectPayloadType");
    Napi::Value rate = o.Get("clockRate");
    if (!rate.IsUndefined()) {
      route.clockRate = static_cast<uint32_t>(integerIn(env, rate, 1000000, "clockRate"));
      if (route.clockRate == 0) throwTypeError(env, "clockRate must be positive");
    }
    Napi::Value rtxFor = o.Get("rtxFor");
    if (!rtxFor.IsUndefined() && !rtxFor.IsNull()) route.rtxFor = payloadTypeFromJs(env, rtxFor, "rtxFor");
    routes.push_back(route);
  }
  return routes;
}

media::RtcpSessionConfig rtcpFeedbackFromJs(Napi::Env env, const Napi::Value& v) {
  media::RtcpSessionConfig config;
  if (v.IsUndefined()) return config;
  if (!v.IsObject()) throwTypeError(env, "feedback must be an object");
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value cname = o.Get("cname");
  if (cname.IsString()) config.cname = cname.As<Napi::String>().Utf8Value().substr(0, 255);
  config.nack = o.Get("nack").ToBoolean().Value();
  Napi::Value id = o.Get("transportCcId");
  if (!id.IsUndefined()) {
    // RFC 8285 section 4.2: one-byte ids 1-14; two-byte ids up to 255.
    double d = integerIn(env, id, 255, "transportCcId");
    if (d == 0) throwTypeError(env, "transportCcId must be in [1, 255]");
    config.transportCcExtensionId = static_cast<uint8_t>(d);
  }
  Napi::Value remb = o.Get("rembBps");
  if (!remb.IsUndefined()) config.rembBps = static_cast<uint64_t>(integerIn(env, remb, 1e10, "rembBps"));
  return config;
}

}  // namespace wg::binding
