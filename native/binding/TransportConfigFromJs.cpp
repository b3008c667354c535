#include "TransportConfigFromJs.hpp"

#include "Convert.hpp"
#include "NativeError.hpp"

namespace wg::binding {

namespace {
void readTiming(const Napi::Object& timings, const char* name, int64_t& out) {
  Napi::Value v = timings.Get(name);
  if (v.IsUndefined()) return;
  if (!v.IsNumber() || v.As<Napi::Number>().DoubleValue() < 0)
    throwTypeError(timings.Env(), std::string("timings.") + name + " must be a non-negative number");
  out = static_cast<int64_t>(v.As<Napi::Number>().DoubleValue());
}
}  // namespace

transport::TransportConfig transportConfigFromJs(Napi::Env env, const Napi::Object& o) {
  transport::TransportConfig config;
  std::string role = requireString(o, "role");
  if (role != "controlling" && role != "controlled") throwTypeError(env, "role must be controlling or controlled");
  config.ice.role = role == "controlling" ? ice::IceRole::Controlling : ice::IceRole::Controlled;
  if (auto ufrag = optionalString(o, "ufrag")) config.ice.localUfrag = *ufrag;
  if (auto password = optionalString(o, "password")) config.ice.localPassword = *password;
  Napi::Value profiles = o.Get("srtpProfiles");
  if (profiles.IsArray()) {
    config.srtpProfiles.clear();
    Napi::Array list = profiles.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      if (!list.Get(i).IsString()) throwTypeError(env, "srtpProfiles must be strings");
      config.srtpProfiles.push_back(requireProfile(env, list.Get(i).As<Napi::String>().Utf8Value()));
    }
    if (config.srtpProfiles.empty()) throwTypeError(env, "srtpProfiles must not be empty");
  }
  Napi::Value servers = o.Get("stunServers");
  if (servers.IsArray()) {
    Napi::Array list = servers.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      Napi::Object s = list.Get(i).As<Napi::Object>();
      config.ice.stunServers.push_back(requireAddress(env, requireString(s, "ip"), requireNumber(s, "port")));
    }
  }
  Napi::Value timings = o.Get("timings");
  if (timings.IsObject()) {
    Napi::Object t = timings.As<Napi::Object>();
    readTiming(t, "paceUs", config.ice.timings.paceUs);
    readTiming(t, "checkRtoUs", config.ice.timings.checkRtoUs);
    readTiming(t, "nominationDelayUs", config.ice.timings.nominationDelayUs);
    readTiming(t, "consentIntervalUs", config.ice.timings.consentIntervalUs);
    readTiming(t, "consentTimeoutUs", config.ice.timings.consentTimeoutUs);
    readTiming(t, "connectTimeoutUs", config.ice.timings.connectTimeoutUs);
    readTiming(t, "gatherRtoUs", config.ice.timings.gatherRtoUs);
    readTiming(t, "dtlsInitialRetransmitUs", config.dtls.initialRetransmitUs);
    readTiming(t, "dtlsMaxRetransmitUs", config.dtls.maxRetransmitUs);
    readTiming(t, "dtlsHandshakeTimeoutUs", config.dtls.handshakeTimeoutUs);
  }
  return config;
}

Napi::Object transportEventToJs(Napi::Env env, const transport::TransportEvent& event) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", transport::transportEventName(event.kind));
  o.Set("text", event.text);
  o.Set("detail", event.detail);
  if (event.kind == transport::TransportEventKind::LocalCandidate) o.Set("candidate", candidateToJs(env, event.candidate));
  return o;
}

Napi::Object transportStatsToJs(Napi::Env env, const transport::WebRtcTransport& t) {
  const transport::TransportStats& s = t.stats();
  const ice::IceStats& i = t.ice().stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("iceState", ice::iceStateName(t.iceState()));
  o.Set("iceRole", t.ice().role() == ice::IceRole::Controlling ? "controlling" : "controlled");
  o.Set("dtlsState", dtls::dtlsStateName(t.dtlsState()));
  o.Set("connected", t.connected());
  if (auto profile = t.srtpProfile()) o.Set("srtpProfile", std::string(srtp::profileName(*profile)));
  if (auto pair = t.ice().selectedPair()) {
    o.Set("selectedLocal", candidateToJs(env, pair->first));
    o.Set("selectedRemote", candidateToJs(env, pair->second));
  }
  auto n = [&o](const char* name, uint64_t v) { o.Set(name, static_cast<double>(v)); };
  n("rtpSent", s.rtpSent);
  n("rtpBytesSent", s.rtpBytesSent);
  n("rtcpSent", s.rtcpSent);
  n("rtpReceived", s.rtpReceived);
  n("rtpBytesReceived", s.rtpBytesReceived);
  n("rtcpReceived", s.rtcpReceived);
  n("dtlsReceived", s.dtlsReceived);
  n("stunReceived", s.stunReceived);
  n("droppedUnauthenticatedSource", s.droppedUnauthenticatedSource);
  n("droppedBeforeKeys", s.droppedBeforeKeys);
  n("droppedSrtpAuth", s.droppedSrtpAuth);
  n("droppedSrtpReplay", s.droppedSrtpReplay);
  n("droppedMalformed", s.droppedMalformed);
  n("droppedUnknown", s.droppedUnknown);
  n("sendDropped", s.sendDropped);
  n("checksSent", i.checksSent);
  n("checksReceived", i.checksReceived);
  n("stunResponsesReceived", i.responsesReceived);
  n("consentRequestsSent", i.consentRequestsSent);
  n("consentResponses", i.consentResponses);
  n("roleConflicts", i.roleConflicts);
  n("stunUnauthenticated", i.unauthenticated);
  n("stunMalformed", i.malformed);
  return o;
}

}  // namespace wg::binding
