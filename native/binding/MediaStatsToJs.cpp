#include "MediaStatsToJs.hpp"

namespace wg::binding {

namespace {
const char* kindName(media::MediaKind kind) { return kind == media::MediaKind::Video ? "video" : "audio"; }

Napi::Value optionalMillis(Napi::Env env, const std::optional<int64_t>& us) {
  return us ? Napi::Number::New(env, static_cast<double>(*us) / 1000.0) : env.Null();
}

// What a stream reports first, sent or received.
Napi::Object streamToJs(Napi::Env env, media::MediaKind kind, uint32_t ssrc, uint64_t packets, uint64_t bytes, uint64_t bitrateBps) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("media", kindName(kind));
  o.Set("ssrc", static_cast<double>(ssrc));
  o.Set("packets", static_cast<double>(packets));
  o.Set("bytes", static_cast<double>(bytes));
  o.Set("bitrateBps", static_cast<double>(bitrateBps));
  return o;
}

Napi::Object sendStreamToJs(Napi::Env env, const media::SendStreamStats& s) {
  Napi::Object o = streamToJs(env, s.kind, s.ssrc, s.packets, s.bytes, s.feedback.bitrateBps);
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
  Napi::Object o = streamToJs(env, s.kind, s.ssrc, s.packets, s.bytes, s.bitrateBps);
  o.Set("lost", static_cast<double>(s.lost));
  o.Set("jitterMs", s.jitterSeconds * 1000.0);
  o.Set("retransmissionsReceived", static_cast<double>(s.retransmissions));
  return o;
}

Napi::Object mediaStatsToJs(Napi::Env env, const media::MediaStats& stats) {
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

std::vector<std::pair<const char*, uint64_t>> routingCounters(const media::RoutingStats& r) {
  constexpr size_t video = media::index(media::MediaKind::Video);
  constexpr size_t audio = media::index(media::MediaKind::Audio);
  return {
      {"redirected", r.redirected},
      {"redirectDropped", r.redirectDropped},
      {"videoSent", r.sent[video]},
      {"audioSent", r.sent[audio]},
      {"outboundDropped", r.outboundDropped},
      {"outboundSourceRestarts", r.outboundSourceRestarts},
      {"videoReceived", r.inbound.rtp[video]},
      {"audioReceived", r.inbound.rtp[audio]},
      {"videoRtcpReceived", r.inbound.rtcp[video]},
      {"audioRtcpReceived", r.inbound.rtcp[audio]},
      {"videoRtcpWithheld", r.rtcpWithheld[video]},
      {"audioRtcpWithheld", r.rtcpWithheld[audio]},
      {"droppedUnknownPayloadType", r.inbound.unknownPayloadType},
      {"droppedMalformedMedia", r.inbound.malformed},
      {"retransmissionsReceived", r.inbound.retransmissions},
      {"rtxPaddingReceived", r.inbound.rtxPadding},
      {"userSenderReportsReplaced", r.userSenderReportsReplaced},
      {"keyframeRequestsForwarded", r.keyframeRequestsForwarded},
      {"keyframeRequestsCoalesced", r.keyframeRequestsCoalesced},
  };
}

}  // namespace wg::binding
