#include "RtcpSessionWrap.hpp"

#include "../../binding/Convert.hpp"
#include "../../binding/MediaRoutingFromJs.hpp"
#include "../../binding/MediaStatsToJs.hpp"
#include "../../binding/NativeError.hpp"
#include "RtcpFunctions.hpp"

#include <cmath>
#include <string>

namespace wg::binding {

namespace {
constexpr size_t kDefaultCapacity = 1500;

const char* kindName(media::MediaKind kind) { return kind == media::MediaKind::Video ? "video" : "audio"; }

// An integer property in [0, max]; `fallback` when absent.
double integerField(const Napi::Object& o, const char* key, double max, double fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return fallback;
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && d <= max) || std::trunc(d) != d)
    throwTypeError(o.Env(), std::string(key) + " must be an integer in [0, " + std::to_string(static_cast<uint64_t>(max)) + "]");
  return d;
}

Napi::Value optionalNumber(Napi::Env env, const std::optional<int64_t>& v) {
  return v ? Napi::Number::New(env, static_cast<double>(*v)) : env.Null();
}

media::RtcpSessionConfig configFromJs(const Napi::CallbackInfo& info) {
  media::RtcpSessionConfig c;
  if (info.Length() == 0 || info[0].IsUndefined()) return c;
  Napi::Object o = objectArg(info, 0, "config");
  if (auto cname = optionalString(o, "cname")) c.cname = *cname;
  c.receiverSsrc = static_cast<uint32_t>(integerField(o, "receiverSsrc", 4294967295.0, c.receiverSsrc));
  Napi::Value nack = o.Get("nack");
  if (!nack.IsUndefined() && !nack.IsBoolean()) throwTypeError(info.Env(), "nack must be a boolean");
  c.nack = nack.IsBoolean() && nack.As<Napi::Boolean>().Value();
  // RFC 8285 section 4.2: one-byte ids 1-14; two-byte ids up to 255.
  if (!o.Get("transportCcExtensionId").IsUndefined()) {
    double id = integerField(o, "transportCcExtensionId", 255, 0);
    if (id == 0) throwTypeError(info.Env(), "transportCcExtensionId must be in [1, 255]");
    c.transportCcExtensionId = static_cast<uint8_t>(id);
  }
  c.rembBps = static_cast<uint64_t>(integerField(o, "rembBps", 9007199254740991.0, 0));
  c.reportIntervalUs = static_cast<int64_t>(integerField(o, "reportIntervalUs", 9007199254740991.0, static_cast<double>(c.reportIntervalUs)));
  c.transportFeedbackIntervalUs = static_cast<int64_t>(
      integerField(o, "transportFeedbackIntervalUs", 9007199254740991.0, static_cast<double>(c.transportFeedbackIntervalUs)));
  return c;
}

// {video?, audio?}: each {ssrc, rtpTimestamp?, packets?, payloadOctets?, bytes?} or null/absent.
std::array<std::optional<media::SenderSnapshot>, media::kMediaKinds> sendersFromJs(const Napi::CallbackInfo& info, size_t index) {
  std::array<std::optional<media::SenderSnapshot>, media::kMediaKinds> senders;
  if (info.Length() <= index || info[index].IsUndefined() || info[index].IsNull()) return senders;
  Napi::Object all = objectArg(info, index, "senders");
  for (size_t k = 0; k < media::kMediaKinds; ++k) {
    Napi::Value v = all.Get(kindName(static_cast<media::MediaKind>(k)));
    if (v.IsUndefined() || v.IsNull()) continue;
    if (!v.IsObject()) throwTypeError(info.Env(), "a sender snapshot must be an object or null");
    Napi::Object o = v.As<Napi::Object>();
    media::SenderSnapshot s;
    s.ssrc = ssrcFromJs(info.Env(), o.Get("ssrc"), "ssrc");
    s.rtpTimestamp = static_cast<uint32_t>(integerField(o, "rtpTimestamp", 4294967295.0, 0));
    s.packets = static_cast<uint32_t>(integerField(o, "packets", 4294967295.0, 0));
    s.payloadOctets = static_cast<uint32_t>(integerField(o, "payloadOctets", 4294967295.0, 0));
    s.bytes = static_cast<uint64_t>(integerField(o, "bytes", 9007199254740991.0, 0));
    senders[k] = s;
  }
  return senders;
}

uint16_t sequenceArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  uint32_t seq = uint32Arg(info, index, name);
  if (seq > 0xFFFF) throwTypeError(info.Env(), std::string(name) + " must fit 16 bits");
  return static_cast<uint16_t>(seq);
}
}  // namespace

Napi::Function RtcpSessionWrap::define(Napi::Env env) {
  return DefineClass(env, "RtcpSession",
                     {
                         InstanceMethod<&RtcpSessionWrap::setSendStream>("setSendStream"),
                         InstanceMethod<&RtcpSessionWrap::onReceivedRtp>("onReceivedRtp"),
                         InstanceMethod<&RtcpSessionWrap::onTransportSequence>("onTransportSequence"),
                         InstanceMethod<&RtcpSessionWrap::onRemoteRtcp>("onRemoteRtcp"),
                         InstanceMethod<&RtcpSessionWrap::countPliSent>("countPliSent"),
                         InstanceMethod<&RtcpSessionWrap::poll>("poll"),
                         InstanceMethod<&RtcpSessionWrap::nextDeadlineUs>("nextDeadlineUs"),
                         InstanceMethod<&RtcpSessionWrap::rttEstimateUs>("rttEstimateUs"),
                         InstanceMethod<&RtcpSessionWrap::rttUs>("rttUs"),
                         InstanceMethod<&RtcpSessionWrap::sendStats>("sendStats"),
                         InstanceMethod<&RtcpSessionWrap::receiveStats>("receiveStats"),
                         InstanceMethod<&RtcpSessionWrap::receiveFeedback>("receiveFeedback"),
                     });
}

RtcpSessionWrap::RtcpSessionWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RtcpSessionWrap>(info) {
  session_.emplace(configFromJs(info));
}

Napi::Value RtcpSessionWrap::setSendStream(const Napi::CallbackInfo& info) {
  media::MediaKind kind = mediaKindFromJs(info.Env(), info[0]);
  if (info.Length() < 2 || info[1].IsNull() || info[1].IsUndefined()) session_->setSendStream(kind, std::nullopt);
  else session_->setSendStream(kind, ssrcFromJs(info.Env(), info[1], "ssrc"));
  return info.Env().Undefined();
}

Napi::Value RtcpSessionWrap::onReceivedRtp(const Napi::CallbackInfo& info) {
  media::MediaKind kind = mediaKindFromJs(info.Env(), info[0]);
  uint32_t ssrc = uint32Arg(info, 1, "ssrc");
  uint16_t seq = sequenceArg(info, 2, "seq");
  uint32_t timestamp = uint32Arg(info, 3, "timestamp");
  uint32_t clockRate = uint32Arg(info, 4, "clockRate");
  if (clockRate == 0) throwTypeError(info.Env(), "clockRate must be positive");
  uint32_t size = uint32Arg(info, 5, "size");
  int64_t nowUs = int64Arg(info, 6, "nowUs");
  bool retransmission = info.Length() > 7 && info[7].ToBoolean().Value();
  return Napi::Boolean::New(info.Env(), session_->onReceivedRtp(kind, ssrc, seq, timestamp, clockRate, size, nowUs, retransmission));
}

Napi::Value RtcpSessionWrap::onTransportSequence(const Napi::CallbackInfo& info) {
  uint16_t seq = sequenceArg(info, 0, "transportSequence");
  return Napi::Boolean::New(info.Env(), session_->onTransportSequence(seq, int64Arg(info, 1, "nowUs")));
}

Napi::Value RtcpSessionWrap::onRemoteRtcp(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> datagram = requireBytes(info.Env(), info[0], "rtcp");
  int64_t nowUs = int64Arg(info, 1, "nowUs");
  uint64_t nowNtp = bigUint64Arg(info, 2, "nowNtp");
  session_->onRemoteRtcp(datagram.data(), datagram.size(), nowUs, nowNtp);
  return info.Env().Undefined();
}

Napi::Value RtcpSessionWrap::countPliSent(const Napi::CallbackInfo& info) {
  session_->countPliSent();
  return info.Env().Undefined();
}

Napi::Value RtcpSessionWrap::poll(const Napi::CallbackInfo& info) {
  int64_t nowUs = int64Arg(info, 0, "nowUs");
  uint64_t nowNtp = bigUint64Arg(info, 1, "nowNtp");
  auto senders = sendersFromJs(info, 2);
  size_t capacity = info.Length() > 3 && !info[3].IsUndefined() ? uint32Arg(info, 3, "capacity") : kDefaultCapacity;
  out_.resize(capacity);
  size_t n = session_->poll(nowUs, nowNtp, senders, out_.data(), out_.size());
  if (n == 0) return info.Env().Null();
  return copyToBuffer(info.Env(), out_.data(), n);
}

Napi::Value RtcpSessionWrap::nextDeadlineUs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(session_->nextDeadlineUs()));
}

Napi::Value RtcpSessionWrap::rttEstimateUs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(session_->rttEstimateUs()));
}

Napi::Value RtcpSessionWrap::rttUs(const Napi::CallbackInfo& info) { return optionalNumber(info.Env(), session_->rttUs()); }

Napi::Value RtcpSessionWrap::sendStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object all = Napi::Object::New(env);
  for (size_t k = 0; k < media::kMediaKinds; ++k) {
    const auto& s = session_->sendStats()[k];
    const char* name = kindName(static_cast<media::MediaKind>(k));
    if (!s) {
      all.Set(name, env.Null());
      continue;
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("ssrc", static_cast<double>(s->ssrc));
    o.Set("pliReceived", static_cast<double>(s->pliReceived));
    o.Set("firReceived", static_cast<double>(s->firReceived));
    o.Set("nackReceived", static_cast<double>(s->nackReceived));
    o.Set("remoteCumulativeLost", s->remoteCumulativeLost);
    o.Set("remoteFractionLost", s->remoteFractionLost);
    o.Set("remoteJitter", static_cast<double>(s->remoteJitter));
    o.Set("rttUs", optionalNumber(env, s->rttUs));
    o.Set("bitrateBps", static_cast<double>(s->bitrateBps));
    all.Set(name, o);
  }
  return all;
}

Napi::Value RtcpSessionWrap::receiveStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<media::ReceiveStreamStats> streams = session_->receiveStats();
  Napi::Array list = Napi::Array::New(env, streams.size());
  for (size_t i = 0; i < streams.size(); ++i) {
    list.Set(static_cast<uint32_t>(i), receiveStreamToJs(env, streams[i]));
  }
  return list;
}

Napi::Value RtcpSessionWrap::receiveFeedback(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  media::ReceiveFeedbackStats f = session_->receiveFeedback();
  Napi::Object o = Napi::Object::New(env);
  o.Set("nackSent", static_cast<double>(f.nackSent));
  o.Set("nackedSequences", static_cast<double>(f.nackedSequences));
  o.Set("recovered", static_cast<double>(f.recovered));
  o.Set("abandoned", static_cast<double>(f.abandoned));
  o.Set("pliSent", static_cast<double>(f.pliSent));
  o.Set("transportFeedbackSent", static_cast<double>(f.transportFeedbackSent));
  o.Set("rembSent", static_cast<double>(f.rembSent));
  o.Set("reportsSent", static_cast<double>(f.reportsSent));
  o.Set("rttUs", optionalNumber(env, f.rttUs));
  return o;
}

}  // namespace wg::binding
