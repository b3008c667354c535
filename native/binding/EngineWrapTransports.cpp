// EngineWrap's transport commands: create a WebRTC transport on the engine, then drive it by
// handle (remote parameters, candidates, media routing, statistics, close).
#include "EngineWrap.hpp"

#include "../io/Clock.hpp"
#include "Convert.hpp"
#include "MediaRoutingFromJs.hpp"
#include "MediaStatsToJs.hpp"
#include "NativeError.hpp"
#include "TransportConfigFromJs.hpp"

#include <cstring>

namespace wg::binding {

namespace {
// One shared context per verification policy, made (and its trust store read) here, on the
// JavaScript thread, so that a CA file that cannot be loaded is the caller's error now.
io::TransportHost::TlsContexts tlsContextsFor(Napi::Env env, io::Engine& eng, const transport::TransportConfig& config) {
  io::TransportHost::TlsContexts tlsContexts;
  for (const auto& server : config.turnServers) {
    if (server.transport != turn::TurnTransport::Tls) continue;
    bool known = false;
    for (const auto& entry : tlsContexts) known |= entry.first == server.tlsVerify;
    if (known) continue;
    std::string error;
    auto context = eng.tlsContext(server.tlsVerify, error);
    if (!context) throwWithCode(env, "ERR_TLS_CONTEXT", (server.url.empty() ? server.server.toString() : server.url) + ": " + error);
    tlsContexts.emplace_back(server.tlsVerify, std::move(context));
  }
  return tlsContexts;
}

io::UdpSocket bindOrThrow(Napi::Env env, const net::SocketAddress& address, const char* purpose) {
  int error = 0;
  auto socket = io::UdpSocket::bind(address, error);
  if (!socket) throwWithCode(env, errnoCode(error), "bind " + address.toString() + purpose + " failed: " + std::strerror(error));
  return std::move(*socket);
}
}  // namespace

// createTransport({role, bindAddresses: [ip], advertisedAddresses?: [ip], srtpProfiles?, stunServers?, timings?})
Napi::Value EngineWrap::createTransport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  io::Engine& eng = engine(env);
  Napi::Object o = objectArg(info, 0, "transport options");
  transport::TransportConfig config = transportConfigFromJs(env, o);
  std::optional<DataOptions> data;
  if (config.dataChannels) {
    data = dataOptionsFromJs(env, o.Get("data"));
    // usrsctp's own buffer stays above the pipe's limit, which decides 'buffer_full' first.
    config.sctp.sendBufferBytes = std::max<uint32_t>(config.sctp.sendBufferBytes, data->pipe.bufferLimitBytes + 256 * 1024);
  }
  Napi::Value addresses = o.Get("bindAddresses");
  if (!addresses.IsArray() || addresses.As<Napi::Array>().Length() == 0)
    throwTypeError(env, "bindAddresses must be a non-empty array of IP addresses");
  std::vector<io::TransportHost::HostSocket> sockets;
  std::vector<io::TransportHost::TurnSocket> turnSockets;
  io::TransportHost::TlsContexts tlsContexts = tlsContextsFor(env, eng, config);
  Napi::Array list = addresses.As<Napi::Array>();
  if (config.ice.advertisedAddresses.size() > list.Length())
    throwTypeError(env, "advertisedAddresses must not outnumber bindAddresses");
  for (uint32_t i = 0; i < list.Length(); ++i) {
    if (!list.Get(i).IsString()) throwTypeError(env, "bindAddresses must be IP address strings");
    net::SocketAddress local = requireAddress(env, list.Get(i).As<Napi::String>().Utf8Value(), 0);
    if (i < config.ice.advertisedAddresses.size() && config.ice.advertisedAddresses[i].family() != local.family())
      throwTypeError(env, "advertisedAddresses[" + std::to_string(i) + "] must be of the family of bindAddresses[" +
                              std::to_string(i) + "]");
    if (io::SharedTransportSocket* shared = eng.sharedSocketFor(local)) {
      sockets.emplace_back(shared);
      // Its UDP allocations need a 5-tuple of their own: a socket on the same IP, for TURN only.
      bool udpTurn = false;
      for (const auto& server : config.turnServers)
        udpTurn |= server.transport == turn::TurnTransport::Udp && server.server.family() == local.family();
      if (udpTurn) {
        turnSockets.push_back({static_cast<int>(i), bindOrThrow(env, local.withPort(0), " for TURN")});
      }
      continue;
    }
    sockets.push_back(bindOrThrow(env, local, ""));
  }
  uint32_t handle = nextHandle_++;
  auto host = eng.makeTransport(handle, std::move(config), std::move(sockets), std::move(turnSockets), std::move(tlsContexts));
  if (data) host->configureData(data->pipe, data->maxMessageSize);
  Napi::Object result = Napi::Object::New(env);
  result.Set("handle", handle);
  result.Set("ufrag", host->core().iceUfrag());
  result.Set("password", host->core().icePassword());
  result.Set("fingerprintAlgorithm", "sha-256");
  result.Set("fingerprint", host->core().fingerprint());
  Napi::Array candidates = Napi::Array::New(env);
  uint32_t n = 0;
  for (const auto& c : host->core().localCandidates()) candidates.Set(n++, candidateToJs(env, c));
  result.Set("candidates", candidates);
  eng.addTransport(std::move(host));
  return result;
}

void EngineWrap::onTransport(const Napi::CallbackInfo& info, const std::function<void(io::TransportHost&)>& command) {
  uint32_t handle = uint32Arg(info, 0, "transport handle");
  if (!engine(info.Env()).withTransport(handle, command))
    throwWithCode(info.Env(), "ERR_UNKNOWN_TRANSPORT", "no transport with handle " + std::to_string(handle));
}

Napi::Value EngineWrap::transportSetRemote(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = objectArg(info, 1, "remote parameters");
  std::string ufrag = requireString(o, "ufrag");
  std::string password = requireString(o, "password");
  std::string algorithm = requireString(o, "fingerprintAlgorithm");
  std::string fingerprint = requireString(o, "fingerprint");
  std::string role = requireString(o, "dtlsRole");
  if (role != "client" && role != "server") throwTypeError(env, "dtlsRole must be client or server");
  dtls::DtlsRole dtlsRole = role == "client" ? dtls::DtlsRole::Client : dtls::DtlsRole::Server;
  onTransport(info, [&](io::TransportHost& host) {
    host.core().setRemoteParameters(io::monotonicMicros(), ufrag, password, algorithm, fingerprint, dtlsRole);
  });
  return env.Undefined();
}

Napi::Value EngineWrap::transportAddCandidate(const Napi::CallbackInfo& info) {
  ice::Candidate candidate = candidateFromJs(info.Env(), objectArg(info, 1, "candidate"));
  onTransport(info, [&](io::TransportHost& host) { host.core().addRemoteCandidate(io::monotonicMicros(), candidate); });
  return info.Env().Undefined();
}

Napi::Value EngineWrap::transportEndOfCandidates(const Napi::CallbackInfo& info) {
  onTransport(info, [](io::TransportHost& host) { host.core().endOfRemoteCandidates(io::monotonicMicros()); });
  return info.Env().Undefined();
}

// transportRestartIce(handle, {ufrag, password}) -> {ufrag, password, candidates}: an ICE
// restart with the peer's new credentials; ours, new, and our candidates come back.
Napi::Value EngineWrap::transportRestartIce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = objectArg(info, 1, "remote ICE credentials");
  std::string ufrag = requireString(o, "ufrag");
  std::string password = requireString(o, "password");
  bool restarted = false;
  std::string localUfrag;
  std::string localPassword;
  std::vector<ice::Candidate> candidates;
  onTransport(info, [&](io::TransportHost& host) {
    restarted = host.restartIce(ufrag, password);
    localUfrag = host.core().iceUfrag();
    localPassword = host.core().icePassword();
    candidates = host.core().localCandidates();
  });
  if (!restarted) throwWithCode(env, "ERR_INVALID_STATE", "ICE has failed or the transport is closed: it cannot restart");
  Napi::Object result = Napi::Object::New(env);
  result.Set("ufrag", localUfrag);
  result.Set("password", localPassword);
  Napi::Array list = Napi::Array::New(env);
  uint32_t n = 0;
  for (const auto& c : candidates) list.Set(n++, candidateToJs(env, c));
  result.Set("candidates", list);
  return result;
}

// transportSetRedirect(handle, 'rtp'|'rtcp', 'video'|'audio', ip|null, port?)
Napi::Value EngineWrap::transportSetRedirect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  media::PacketKind kind = packetKindFromJs(env, info[1]);
  media::MediaKind media = mediaKindFromJs(env, info[2]);
  std::optional<net::SocketAddress> to;
  if (info.Length() > 3 && info[3].IsString()) {
    if (info.Length() < 5 || !info[4].IsNumber()) throwTypeError(env, "a redirect port is required");
    to = requireAddress(env, info[3].As<Napi::String>().Utf8Value(), info[4].As<Napi::Number>().DoubleValue());
  }
  onTransport(info, [&](io::TransportHost& host) { host.setRedirect(kind, media, to); });
  return env.Undefined();
}

// transportSetOutbound(handle, 'video'|'audio', {ssrc, payloadType, inputPayloadType?, clockRate} | null)
Napi::Value EngineWrap::transportSetOutbound(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  media::MediaKind media = mediaKindFromJs(env, info[1]);
  std::optional<media::OutboundStreamConfig> config;
  if (info.Length() > 2 && info[2].IsObject()) config = outboundStreamFromJs(env, info[2].As<Napi::Object>());
  onTransport(info, [&](io::TransportHost& host) { host.setOutboundStream(media, config); });
  return env.Undefined();
}

// transportSetInbound(handle, {routes: [{payloadType, media, redirectPayloadType?, clockRate?, rtxFor?}],
//   remoteSsrcs?: [{ssrc, media}], remoteRtx?: [{rtxSsrc, ssrc}], feedback?: {cname?, nack?, transportCcId?, rembBps?}})
Napi::Value EngineWrap::transportSetInbound(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = objectArg(info, 1, "inbound routing");
  std::vector<media::InboundRoute> routes = inboundRoutesFromJs(env, o.Get("routes"));
  std::vector<std::pair<uint32_t, media::MediaKind>> ssrcs;
  Napi::Value list = o.Get("remoteSsrcs");
  if (list.IsArray()) {
    Napi::Array a = list.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); ++i) {
      if (!a.Get(i).IsObject()) throwTypeError(env, "remoteSsrcs must be objects");
      Napi::Object s = a.Get(i).As<Napi::Object>();
      ssrcs.emplace_back(ssrcFromJs(env, s.Get("ssrc"), "ssrc"), mediaKindFromJs(env, s.Get("media")));
    }
  }
  std::vector<std::pair<uint32_t, uint32_t>> rtx;
  Napi::Value rtxList = o.Get("remoteRtx");
  if (rtxList.IsArray()) {
    Napi::Array a = rtxList.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); ++i) {
      if (!a.Get(i).IsObject()) throwTypeError(env, "remoteRtx must be objects");
      Napi::Object s = a.Get(i).As<Napi::Object>();
      rtx.emplace_back(ssrcFromJs(env, s.Get("rtxSsrc"), "rtxSsrc"), ssrcFromJs(env, s.Get("ssrc"), "ssrc"));
    }
  }
  media::RtcpSessionConfig feedback = rtcpFeedbackFromJs(env, o.Get("feedback"));
  onTransport(info, [&](io::TransportHost& host) {
    host.setInboundRoutes(std::move(routes));
    for (const auto& [ssrc, media] : ssrcs) host.expectRemoteSsrc(ssrc, media);
    for (const auto& [rtxSsrc, ssrc] : rtx) host.expectRemoteRtx(rtxSsrc, ssrc);
    host.setFeedback(feedback);
  });
  return env.Undefined();
}

Napi::Value EngineWrap::transportRequestKeyframe(const Napi::CallbackInfo& info) {
  bool sent = false;
  onTransport(info, [&sent](io::TransportHost& host) { sent = host.requestKeyframe(); });
  return Napi::Boolean::New(info.Env(), sent);
}

Napi::Value EngineWrap::transportStats(const Napi::CallbackInfo& info) {
  TransportSnapshot snapshot;
  onTransport(info, [&snapshot](io::TransportHost& host) {
    snapshot = snapshotOf(host.core());
    for (auto& stream : host.relayStreamStats()) {
      if (stream.relay < snapshot.relays.size()) snapshot.relays[stream.relay].stream = std::move(stream);
    }
    snapshot.routing = routingCounters(host.routingStats());
  });
  return transportSnapshotToJs(info.Env(), snapshot);
}

Napi::Value EngineWrap::transportMediaStats(const Napi::CallbackInfo& info) {
  io::TransportHost::MediaStats stats;
  onTransport(info, [&stats](io::TransportHost& host) { stats = host.mediaStats(); });
  return mediaStatsToJs(info.Env(), stats);
}

Napi::Value EngineWrap::closeTransport(const Napi::CallbackInfo& info) {
  uint32_t handle = uint32Arg(info, 0, "transport handle");
  return Napi::Boolean::New(info.Env(), engine_ && engine_->closeTransport(handle));
}

}  // namespace wg::binding
