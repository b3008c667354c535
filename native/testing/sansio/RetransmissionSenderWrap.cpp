#include "RetransmissionSenderWrap.hpp"

#include "../JsExports.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/MediaRoutingFromJs.hpp"
#include "../../binding/NativeError.hpp"
#include "RtcpFunctions.hpp"

#include <string>

namespace wg::binding {

namespace {
// Room for a full-size packet, its two RTX bytes and the SRTP headroom build() insists on.
constexpr size_t kDefaultCapacity = 2048;

uint16_t sequenceArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  uint32_t seq = uint32Arg(info, index, name);
  if (seq > 0xFFFF) throwTypeError(info.Env(), std::string(name) + " must fit 16 bits");
  return static_cast<uint16_t>(seq);
}

media::RetransmissionConfig configFromJs(const Napi::CallbackInfo& info) {
  media::RetransmissionConfig c;
  if (info.Length() == 0 || info[0].IsUndefined()) return c;
  Napi::Object o = objectArg(info, 0, "config");
  Napi::Value ssrc = o.Get("rtxSsrc");
  if (!ssrc.IsUndefined()) c.rtxSsrc = ssrcFromJs(info.Env(), ssrc, "rtxSsrc");
  Napi::Value pt = o.Get("rtxPayloadType");
  if (!pt.IsUndefined()) c.rtxPayloadType = payloadTypeFromJs(info.Env(), pt, "rtxPayloadType");
  Napi::Value first = o.Get("rtxFirstSequence");
  if (!first.IsUndefined()) {
    if (!first.IsNumber()) throwTypeError(info.Env(), "rtxFirstSequence must be a number");
    double d = first.As<Napi::Number>().DoubleValue();
    if (!(d >= 0 && d <= 65535) || d != static_cast<double>(static_cast<uint16_t>(d)))
      throwTypeError(info.Env(), "rtxFirstSequence must be an integer in [0, 65535]");
    c.rtxFirstSequence = static_cast<uint16_t>(d);
  }
  return c;
}
}  // namespace

Napi::Function RetransmissionSenderWrap::define(Napi::Env env) {
  return DefineClass(env, "RetransmissionSender",
                     {
                         InstanceMethod<&RetransmissionSenderWrap::onSent>("onSent"),
                         InstanceMethod<&RetransmissionSenderWrap::onNack>("onNack"),
                         InstanceMethod<&RetransmissionSenderWrap::stats>("stats"),
                         InstanceMethod<&RetransmissionSenderWrap::usesRtx>("usesRtx"),
                     });
}

RetransmissionSenderWrap::RetransmissionSenderWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<RetransmissionSenderWrap>(info), sender_(std::make_unique<media::RetransmissionSender>(configFromJs(info))) {
  if (info.Length() == 0 || !info[0].IsObject()) return;
  Napi::Value stream = info[0].As<Napi::Object>().Get("stream");
  if (stream.IsUndefined()) return;
  if (!stream.IsObject()) throwTypeError(info.Env(), "stream must be an object");
  Napi::Object o = stream.As<Napi::Object>();
  media::OutboundStreamConfig c;
  c.ssrc = ssrcFromJs(info.Env(), o.Get("ssrc"), "stream.ssrc");
  c.payloadType = payloadTypeFromJs(info.Env(), o.Get("payloadType"), "stream.payloadType");
  rewriter_.emplace(c);
}

Napi::Value RetransmissionSenderWrap::onSent(const Napi::CallbackInfo& info) {
  uint16_t seq = sequenceArg(info, 0, "seq");
  std::vector<uint8_t> packet = requireBytes(info.Env(), info[1], "packet");
  int64_t nowUs = int64Arg(info, 2, "nowUs");
  cache_.store(seq, packet.data(), packet.size(), nowUs);
  if (!rewriter_) return info.Env().Undefined();
  if (!rewriter_->rewriteRtp(packet.data(), packet.size(), nowUs)) return info.Env().Null();
  return copyToBuffer(info.Env(), packet.data(), packet.size());
}

Napi::Value RetransmissionSenderWrap::onNack(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<uint8_t> fci = requireBytes(env, info[0], "fci");
  int64_t nowUs = int64Arg(info, 1, "nowUs");
  int64_t minIntervalUs = int64Arg(info, 2, "minIntervalUs");
  size_t capacity = info.Length() > 3 && !info[3].IsUndefined() ? uint32Arg(info, 3, "capacity") : kDefaultCapacity;
  scratch_.resize(capacity);
  Napi::Array sent = Napi::Array::New(env);
  uint32_t i = 0;
  sender_->onNack(fci.data(), fci.size(), cache_, rewriter_ ? &*rewriter_ : nullptr, nowUs, minIntervalUs, scratch_.data(), scratch_.size(),
                  [&](uint8_t* data, size_t size) { sent.Set(i++, copyToBuffer(env, data, size)); });
  return sent;
}

Napi::Value RetransmissionSenderWrap::stats(const Napi::CallbackInfo& info) {
  const media::RetransmissionStats& s = sender_->stats();
  return numbersToJs(info.Env(),
                     {
                         {"nackPackets", s.nackPackets},
                         {"nackedSequences", s.nackedSequences},
                         {"retransmitted", s.retransmitted},
                         {"notCached", s.notCached},
                         {"suppressed", s.suppressed},
                     });
}

Napi::Value RetransmissionSenderWrap::usesRtx(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), sender_->usesRtx());
}

}  // namespace wg::binding
