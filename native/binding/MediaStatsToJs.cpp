#include "MediaStatsToJs.hpp"

namespace wg::binding {

namespace {
const char* kindName(media::MediaKind kind) { return kind == media::MediaKind::Video ? "video" : "audio"; }

Napi::Value optionalMillis(Napi::Env env, const std::optional<int64_t>& us) {
  return us ? Napi::Number::New(env, static_cast<double>(*us) / 1000.0) : env.Null();
}

Napi::Object sendStreamToJs(Napi::Env env, const io::TransportHost::SendStreamStats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("media", kindName(s.kind));
  o.Set("ssrc", static_cast<double>(s.ssrc));
  o.Set("packets", static_cast<double>(s.packets));
  o.Set("bytes", static_cast<double>(s.bytes));
  o.Set("bitrateBps", static_cast<double>(s.feedback.bitrateBps));
  o.Set("nacksReceived", static_cast<double>(s.feedback.nackReceived));
  o.Set("nackedPackets", static_cast<double>(s.retransmission.nackedSequences));
  o.Set("retransmittedPackets", static_cast<double>(s.retransmission.retransmitted));
  o.Set("retransmissionMisses", static_cast<double>(s.retransmission.notCached));
  o.Set("pliReceived", static_cast<double>(s.feedback.pliReceived));
  o.Set("firReceived", static_cast<double>(s.feedback.firReceived));
  o.Set("remoteLost", s.feedback.remoteCumulativeLost);
  o.Set("remoteFractionLost", s.feedback.remoteFractionLost / 256.0);
  o.Set("remoteJitter", static_cast<double>(s.feedback.remoteJitter));
  o.Set("rttMs", optionalMillis(env, s.feedback.rttUs));
  return o;
}

}  // namespace

Napi::Object receiveStreamToJs(Napi::Env env, const media::ReceiveStreamStats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("media", kindName(s.kind));
  o.Set("ssrc", static_cast<double>(s.ssrc));
  o.Set("packets", static_cast<double>(s.packets));
  o.Set("bytes", static_cast<double>(s.bytes));
  o.Set("bitrateBps", static_cast<double>(s.bitrateBps));
  o.Set("lost", static_cast<double>(s.lost));
  o.Set("jitterMs", s.jitterSeconds * 1000.0);
  o.Set("retransmissionsReceived", static_cast<double>(s.retransmissions));
  return o;
}

Napi::Object mediaStatsToJs(Napi::Env env, const io::TransportHost::MediaStats& stats) {
  Napi::Object o = Napi::Object::New(env);
  Napi::Array send = Napi::Array::New(env, stats.send.size());
  for (size_t i = 0; i < stats.send.size(); ++i) send.Set(static_cast<uint32_t>(i), sendStreamToJs(env, stats.send[i]));
  Napi::Array receive = Napi::Array::New(env, stats.receive.size());
  for (size_t i = 0; i < stats.receive.size(); ++i) receive.Set(static_cast<uint32_t>(i), receiveStreamToJs(env, stats.receive[i]));
  const auto& f = stats.receiveFeedback;
  Napi::Object feedback = Napi::Object::New(env);
  feedback.Set("nacksSent", static_cast<double>(f.nackSent));
  feedback.Set("nackedPackets", static_cast<double>(f.nackedSequences));
  feedback.Set("recovered", static_cast<double>(f.recovered));
  feedback.Set("abandoned", static_cast<double>(f.abandoned));
  feedback.Set("pliSent", static_cast<double>(f.pliSent));
  feedback.Set("transportFeedbackSent", static_cast<double>(f.transportFeedbackSent));
  feedback.Set("rembSent", static_cast<double>(f.rembSent));
  feedback.Set("reportsSent", static_cast<double>(f.reportsSent));
  o.Set("send", send);
  o.Set("receive", receive);
  o.Set("receiveFeedback", feedback);
  o.Set("rttMs", optionalMillis(env, stats.rttUs));
  return o;
}

}  // namespace wg::binding
