#include "TransportConfigFromJs.hpp"

#include "Convert.hpp"
#include "NativeError.hpp"
#include "TurnConfigFromJs.hpp"
#include "TurnStatsToJs.hpp"

#include "../core/turn/TurnClient.hpp"

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
  Napi::Value turnServers = o.Get("turnServers");
  if (!turnServers.IsUndefined() && !turnServers.IsNull()) {
    if (!turnServers.IsArray()) throwTypeError(env, "turnServers must be an array");
    Napi::Array list = turnServers.As<Napi::Array>();
    if (list.Length() > 8) throwTypeError(env, "at most 8 TURN servers");
    for (uint32_t i = 0; i < list.Length(); ++i) {
      if (!list.Get(i).IsObject()) throwTypeError(env, "each TURN server must be an object");
      config.turnServers.push_back(turnServerFromJs(env, list.Get(i).As<Napi::Object>()));
    }
  }
  Napi::Value relayOnly = o.Get("relayOnly");
  if (!relayOnly.IsUndefined()) {
    if (!relayOnly.IsBoolean()) throwTypeError(env, "relayOnly must be a boolean");
    config.ice.relayOnly = relayOnly.As<Napi::Boolean>().Value();
  }
  Napi::Value dataChannels = o.Get("dataChannels");
  if (!dataChannels.IsUndefined()) {
    if (!dataChannels.IsBoolean()) throwTypeError(env, "dataChannels must be a boolean");
    config.dataChannels = dataChannels.As<Napi::Boolean>().Value();
  }
  Napi::Value advertised = o.Get("advertisedAddresses");
  if (!advertised.IsUndefined()) {
    if (!advertised.IsArray()) throwTypeError(env, "advertisedAddresses must be an array of IP addresses");
    Napi::Array list = advertised.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      if (!list.Get(i).IsString()) throwTypeError(env, "advertisedAddresses must be IP address strings");
      config.ice.advertisedAddresses.push_back(requireAddress(env, list.Get(i).As<Napi::String>().Utf8Value(), 0));
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

Napi::Value dataChannelToJs(Napi::Env env, uint16_t stream, const sctp::DcepOpen& open) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("stream", stream);
  o.Set("label", open.label);
  o.Set("protocol", open.protocol);
  o.Set("ordered", open.reliability.ordered);
  const auto& r = open.reliability;
  o.Set("maxRetransmits", r.maxRetransmits ? Napi::Number::New(env, *r.maxRetransmits) : env.Null());
  o.Set("maxPacketLifeTime", r.maxLifetimeMs ? Napi::Number::New(env, *r.maxLifetimeMs) : env.Null());
  return o;
}

Napi::Object transportEventToJs(Napi::Env env, const transport::TransportEvent& event) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", transport::transportEventName(event.kind));
  o.Set("text", event.text);
  o.Set("detail", event.detail);
  if (event.kind == transport::TransportEventKind::LocalCandidate) o.Set("candidate", candidateToJs(env, event.candidate));
  if (event.kind == transport::TransportEventKind::TurnFailed) o.Set("code", static_cast<double>(event.code));
  using Kind = transport::TransportEventKind;
  switch (event.kind) {
    case Kind::DataChannelOpen: {
      Napi::Object channel = dataChannelToJs(env, event.stream, event.channel).As<Napi::Object>();
      channel.Set("remote", event.remote);
      o.Set("channel", channel);
      o.Set("stream", event.stream);
      break;
    }
    case Kind::DataChannelClosed:
    case Kind::DataRemoteClose: o.Set("stream", event.stream); break;
    case Kind::DataMessage:
      o.Set("stream", event.stream);
      o.Set("binary", event.binary);
      o.Set("data", Napi::Buffer<uint8_t>::Copy(env, event.data.data(), event.data.size()));
      break;
    case Kind::DataDrops:
      o.Set("direction", event.text);
      o.Set("reason", event.detail);
      o.Set("count", static_cast<double>(event.count));
      break;
    default: break;
  }
  return o;
}

DataOptions dataOptionsFromJs(Napi::Env env, const Napi::Value& value) {
  DataOptions options;
  if (value.IsUndefined()) return options;
  if (!value.IsObject()) throwTypeError(env, "data must be an object");
  Napi::Object o = value.As<Napi::Object>();
  Napi::Value serialization = o.Get("serialization");
  if (!serialization.IsUndefined()) {
    auto parsed = serialization.IsString() ? datachannel::serializationFromName(serialization.As<Napi::String>().Utf8Value())
                                           : std::nullopt;
    if (!parsed) throwWithCode(env, "ERR_INVALID_ARG", "data.serialization must be NONE, BINARY, BINARY_UTF8 or JSON");
    options.pipe.serialization = *parsed;
  }
  auto uint = [&](const char* key, uint32_t& out) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined()) return;
    double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0 && d <= 4294967295.0) || d != static_cast<double>(static_cast<uint64_t>(d)))
      throwWithCode(env, "ERR_INVALID_ARG", std::string("data.") + key + " must be a non-negative integer");
    out = static_cast<uint32_t>(d);
  };
  uint("bufferLimitBytes", options.pipe.bufferLimitBytes);
  if (!o.Get("maxMessageSize").IsUndefined()) {
    uint32_t bytes = 0;
    uint("maxMessageSize", bytes);
    options.maxMessageSize = bytes;
  }
  return options;
}

TransportSnapshot snapshotOf(const transport::WebRtcTransport& t) {
  TransportSnapshot s;
  s.stats = t.stats();
  s.ice = t.ice().stats();
  s.iceState = ice::iceStateName(t.iceState());
  s.iceRole = t.ice().role() == ice::IceRole::Controlling ? "controlling" : "controlled";
  s.dtlsState = dtls::dtlsStateName(t.dtlsState());
  if (auto profile = t.srtpProfile()) s.srtpProfile = std::string(srtp::profileName(*profile));
  s.selectedPair = t.ice().selectedPair();
  for (const auto& relay : t.relays()) {
    const turn::TurnClient& c = relay->client();
    TransportSnapshot::Relay r;
    r.url = c.config().url;
    r.transport = turn::turnTransportName(c.config().transport);
    r.state = turn::turnStateName(c.state());
    if (c.allocation()) r.relayed = c.allocation()->relayed.toString();
    r.stats = c.stats();
    s.relays.push_back(std::move(r));
  }
  return s;
}

Napi::Object transportSnapshotToJs(Napi::Env env, const TransportSnapshot& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("iceState", s.iceState);
  o.Set("iceRole", s.iceRole);
  o.Set("dtlsState", s.dtlsState);
  o.Set("connected", !s.srtpProfile.empty());
  if (!s.srtpProfile.empty()) o.Set("srtpProfile", s.srtpProfile);
  if (s.selectedPair) {
    o.Set("selectedLocal", candidateToJs(env, s.selectedPair->first));
    o.Set("selectedRemote", candidateToJs(env, s.selectedPair->second));
  }
  auto n = [&o](const char* name, uint64_t v) { o.Set(name, static_cast<double>(v)); };
  n("rtpSent", s.stats.rtpSent);
  n("rtpBytesSent", s.stats.rtpBytesSent);
  n("rtcpSent", s.stats.rtcpSent);
  n("rtpReceived", s.stats.rtpReceived);
  n("rtpBytesReceived", s.stats.rtpBytesReceived);
  n("rtcpReceived", s.stats.rtcpReceived);
  for (const auto& [name, value] : s.routing) n(name, value);
  n("dtlsReceived", s.stats.dtlsReceived);
  n("stunReceived", s.stats.stunReceived);
  n("droppedUnauthenticatedSource", s.stats.droppedUnauthenticatedSource);
  n("droppedBeforeKeys", s.stats.droppedBeforeKeys);
  n("droppedSrtpAuth", s.stats.droppedSrtpAuth);
  n("droppedSrtpReplay", s.stats.droppedSrtpReplay);
  n("droppedMalformed", s.stats.droppedMalformed);
  n("droppedUnknown", s.stats.droppedUnknown);
  n("droppedNotRelayed", s.stats.droppedNotRelayed);
  n("sendDropped", s.stats.sendDropped);
  n("checksSent", s.ice.checksSent);
  n("checksReceived", s.ice.checksReceived);
  n("stunResponsesReceived", s.ice.responsesReceived);
  n("consentRequestsSent", s.ice.consentRequestsSent);
  n("consentResponses", s.ice.consentResponses);
  n("roleConflicts", s.ice.roleConflicts);
  n("stunUnauthenticated", s.ice.unauthenticated);
  n("stunMalformed", s.ice.malformed);
  n("iceRestarts", s.ice.restarts);
  Napi::Array turn = Napi::Array::New(env, s.relays.size());
  for (size_t i = 0; i < s.relays.size(); ++i) {
    Napi::Object r = turnStatsToJs(env, s.relays[i].stats);
    r.Set("url", s.relays[i].url);
    r.Set("state", s.relays[i].state);
    if (!s.relays[i].relayed.empty()) r.Set("relayed", s.relays[i].relayed);
    r.Set("transport", s.relays[i].transport);
    if (const auto& stream = s.relays[i].stream) {
      const io::TurnStreamStats& t = stream->stream;
      r.Set("streamState", stream->state);
      r.Set("streamConnectAttempts", static_cast<double>(t.connectAttempts));
      r.Set("streamMessagesSent", static_cast<double>(t.messagesSent));
      // Whole messages refused because the TCP send queue was full: the stream's drops.
      r.Set("streamMessagesDropped", static_cast<double>(t.messagesDropped));
      r.Set("streamBytesSent", static_cast<double>(t.tcp.bytesSent));
      r.Set("streamBytesReceived", static_cast<double>(t.tcp.bytesReceived));
      r.Set("streamQueuedBytes", static_cast<double>(t.tcp.queuedBytes));
      r.Set("streamQueuePeakBytes", static_cast<double>(t.tcp.queuePeakBytes));
      if (t.tls) {
        r.Set("tlsVersion", t.tls->version);
        r.Set("tlsCipher", t.tls->cipher);
        r.Set("tlsVerified", t.tls->verified);
      }
    }
    turn.Set(static_cast<uint32_t>(i), r);
  }
  o.Set("turn", turn);
  return o;
}

}  // namespace wg::binding
