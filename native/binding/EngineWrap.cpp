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
constexpr size_t kDefaultEventQueue = 1024;

size_t optionalSize(const Napi::Object& options, const char* name, size_t fallback, size_t min, size_t max) {
  Napi::Value v = options.Get(name);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throwTypeError(options.Env(), std::string(name) + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= static_cast<double>(min) && d <= static_cast<double>(max)) || d != static_cast<double>(static_cast<size_t>(d)))
    throwTypeError(options.Env(), std::string(name) + " must be an integer in [" + std::to_string(min) + ", " +
                                      std::to_string(max) + "]");
  return static_cast<size_t>(d);
}

uint32_t handleArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throwTypeError(info.Env(), "a port handle (number) is required");
  return info[0].As<Napi::Number>().Uint32Value();
}

const char* kindName(io::EngineEventKind kind) {
  switch (kind) {
    case io::EngineEventKind::PortSource: return "port-source";
    case io::EngineEventKind::PortDrops: return "port-drops";
    case io::EngineEventKind::Transport: return "transport";
  }
  return "unknown";
}
}  // namespace

Napi::Function EngineWrap::define(Napi::Env env) {
  return DefineClass(env, "Engine",
                     {
                         InstanceMethod<&EngineWrap::openUdpPort>("openUdpPort"),
                         InstanceMethod<&EngineWrap::closeUdpPort>("closeUdpPort"),
                         InstanceMethod<&EngineWrap::openSharedSocket>("openSharedSocket"),
                         InstanceMethod<&EngineWrap::portStats>("portStats"),
                         InstanceMethod<&EngineWrap::stats>("stats"),
                         InstanceMethod<&EngineWrap::close>("close"),
                         InstanceAccessor<&EngineWrap::threadId>("threadId"),
                         InstanceAccessor<&EngineWrap::fingerprint>("fingerprint"),
                         InstanceMethod<&EngineWrap::createTransport>("createTransport"),
                         InstanceMethod<&EngineWrap::transportSetRemote>("transportSetRemote"),
                         InstanceMethod<&EngineWrap::transportAddCandidate>("transportAddCandidate"),
                         InstanceMethod<&EngineWrap::transportEndOfCandidates>("transportEndOfCandidates"),
                         InstanceMethod<&EngineWrap::transportSetRedirect>("transportSetRedirect"),
                         InstanceMethod<&EngineWrap::transportSetOutbound>("transportSetOutbound"),
                         InstanceMethod<&EngineWrap::transportSetInbound>("transportSetInbound"),
                         InstanceMethod<&EngineWrap::transportRequestKeyframe>("transportRequestKeyframe"),
                         InstanceMethod<&EngineWrap::transportStats>("transportStats"),
                         InstanceMethod<&EngineWrap::transportMediaStats>("transportMediaStats"),
                         InstanceMethod<&EngineWrap::closeTransport>("closeTransport"),
                         InstanceMethod<&EngineWrap::attachPort>("attachPort"),
                         InstanceMethod<&EngineWrap::detachPort>("detachPort"),
                     });
}

EngineWrap::EngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineWrap>(info), env_(info.Env()) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throwTypeError(env, "Engine options (an object) are required");
  Napi::Object options = info[0].As<Napi::Object>();
  Napi::Value onEvents = options.Get("onEvents");
  if (!onEvents.IsFunction()) throwTypeError(env, "options.onEvents must be a function");

  io::EngineOptions engineOptions;
  size_t queue = optionalSize(options, "eventQueueSize", kDefaultEventQueue, 1, 1 << 20);
  engineOptions.recvBatchCount = optionalSize(options, "recvBatchCount", engineOptions.recvBatchCount, 1, 1024);
  engineOptions.recvSlotBytes = optionalSize(options, "recvSlotBytes", engineOptions.recvSlotBytes, 64, 65536);

  events_ = EventTsfn::New(env, onEvents.As<Napi::Function>(), "webrtc-gateway:engine-events", queue, 1);
  // Events must not keep the process alive: the gateway decides when to stop.
  events_.Unref(env);
  try {
    engine_ = std::make_unique<io::Engine>(engineOptions, static_cast<io::EngineEventSink&>(*this));
  } catch (const std::exception& e) {
    events_.Release();
    throwWithCode(env, "ERR_ENGINE_START", e.what());
  }
  // Registered after the thread-safe function, so it runs before that function's own cleanup.
  napi_add_env_cleanup_hook(env_, &EngineWrap::onEnvCleanup, this);
  cleanupHookRegistered_ = true;
}

EngineWrap::~EngineWrap() {
  shutdown();
  if (cleanupHookRegistered_) napi_remove_env_cleanup_hook(env_, &EngineWrap::onEnvCleanup, this);
}

void EngineWrap::onEnvCleanup(void* self) {
  auto* wrap = static_cast<EngineWrap*>(self);
  wrap->cleanupHookRegistered_ = false;
  wrap->shutdown();
}

void EngineWrap::shutdown() {
  if (!engine_) return;
  engine_->stop();  // joins the thread: nothing calls the thread-safe function after this
  engine_.reset();
  ports_.clear();
  events_.Release();
}

io::Engine& EngineWrap::engine(Napi::Env env) {
  if (!engine_) throwWithCode(env, "ERR_ENGINE_CLOSED", "the engine is closed");
  return *engine_;
}

bool EngineWrap::deliver(io::EngineEventBatch&& batch) {
  auto* heap = new io::EngineEventBatch(std::move(batch));
  if (events_.NonBlockingCall(heap) != napi_ok) {
    delete heap;
    return false;
  }
  return true;
}

void EngineWrap::callJs(Napi::Env env, Napi::Function callback, std::nullptr_t*, io::EngineEventBatch* batch) {
  std::unique_ptr<io::EngineEventBatch> owned(batch);
  if (env == nullptr || callback.IsEmpty() || !owned) return;  // torn down with events still queued
  // Batches still queued while Node tears the environment down can no longer be turned into
  // JavaScript values: any Node-API failure here is caught, never allowed to abort the process.
  try {
    Napi::Array list = Napi::Array::New(env, owned->size());
    for (size_t i = 0; i < owned->size(); ++i) {
      const io::EngineEvent& e = (*owned)[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("kind", kindName(e.kind));
      o.Set("subject", e.subject);
      o.Set("value", static_cast<double>(e.value));
      o.Set("detail", e.detail);
      if (e.kind == io::EngineEventKind::Transport) o.Set("event", transportEventToJs(env, e.transport));
      list.Set(static_cast<uint32_t>(i), o);
    }
    callback.Call({list});
  } catch (const Napi::Error& error) {
    // A listener that threw surfaces as an uncaught exception in JavaScript. The C call cannot
    // throw again: if the environment no longer runs JavaScript, the error is simply dropped.
    if (!env.IsExceptionPending()) napi_throw(env, error.Value());
  }
}

namespace {
// (ip: string, port: number) arguments, bound to a new UDP socket.
io::UdpSocket bindArgs(const Napi::CallbackInfo& info, const char* signature) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) throwTypeError(env, signature);
  std::string ip = info[0].As<Napi::String>().Utf8Value();
  double port = info[1].As<Napi::Number>().DoubleValue();
  if (!(port >= 0 && port <= 65535) || port != static_cast<double>(static_cast<int>(port)))
    throwTypeError(env, "port must be an integer in [0, 65535]");
  auto address = net::SocketAddress::parse(ip, static_cast<uint16_t>(port));
  if (!address) throwWithCode(env, "ERR_INVALID_ADDRESS", "not a numeric IP address: " + ip);
  int error = 0;
  auto socket = io::UdpSocket::bind(*address, error);
  if (!socket) {
    throwWithCode(env, errnoCode(error),
                  "bind " + address->toString() + " failed: " + std::string(std::strerror(error)));
  }
  return std::move(*socket);
}
}  // namespace

Napi::Value EngineWrap::openUdpPort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  io::Engine& eng = engine(env);
  io::UdpSocket socket = bindArgs(info, "openUdpPort(ip: string, port: number)");
  net::SocketAddress bound = socket.localAddress();
  uint32_t handle = nextHandle_++;
  auto counters = std::make_shared<io::PortCounters>();
  ports_[handle] = counters;
  eng.addPort(handle, std::move(socket), counters);

  Napi::Object result = Napi::Object::New(env);
  result.Set("handle", handle);
  result.Set("ip", bound.ipString());
  result.Set("port", bound.port());
  return result;
}

// openSharedSocket(ip, port): every transport created later on `ip` shares this socket.
Napi::Value EngineWrap::openSharedSocket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  io::Engine& eng = engine(env);
  io::UdpSocket socket = bindArgs(info, "openSharedSocket(ip: string, port: number)");
  net::SocketAddress bound = socket.localAddress();
  if (eng.sharedSocketFor(bound))
    throwWithCode(env, "ERR_SHARED_SOCKET_EXISTS", "a shared media socket is already open on " + bound.ipString());
  eng.addSharedSocket(std::move(socket));
  Napi::Object result = Napi::Object::New(env);
  result.Set("ip", bound.ipString());
  result.Set("port", bound.port());
  return result;
}

Napi::Value EngineWrap::closeUdpPort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t handle = handleArg(info);
  if (!engine_) return Napi::Boolean::New(env, false);
  ports_.erase(handle);
  return Napi::Boolean::New(env, engine_->closePort(handle));
}

Napi::Value EngineWrap::portStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t handle = handleArg(info);
  auto found = ports_.find(handle);
  if (found == ports_.end()) return env.Undefined();
  const io::PortCounters& c = *found->second;
  Napi::Object o = Napi::Object::New(env);
  o.Set("packets", static_cast<double>(c.packets.get()));
  o.Set("bytes", static_cast<double>(c.bytes.get()));
  o.Set("droppedOversize", static_cast<double>(c.droppedOversize.get()));
  o.Set("socketErrors", static_cast<double>(c.socketErrors.get()));
  o.Set("sourceChanges", static_cast<double>(c.sourceChanges.get()));
  net::SocketAddress source = c.lastSource();
  o.Set("lastSource", source.isUnspecified() ? env.Null() : Napi::String::New(env, source.toString()));
  return o;
}

Napi::Value EngineWrap::stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("running", engine_ != nullptr);
  o.Set("ports", static_cast<double>(ports_.size()));
  if (engine_) {
    o.Set("eventsDelivered", static_cast<double>(engine_->counters().eventsDelivered.get()));
    o.Set("eventsDropped", static_cast<double>(engine_->counters().eventsDropped.get()));
    o.Set("loopWakeups", static_cast<double>(engine_->loopWakeups()));
    o.Set("loopWaitErrors", static_cast<double>(engine_->loopWaitErrors()));
    io::OutboxStats outbox = engine_->outboxStats();
    o.Set("datagramsSent", static_cast<double>(outbox.sent));
    o.Set("datagramsSendDropped", static_cast<double>(outbox.dropped));
    o.Set("sendCalls", static_cast<double>(outbox.sendCalls));
    o.Set("turnStreamsClosing", static_cast<double>(engine_->retiredStreams()));
    o.Set("tlsContexts", static_cast<double>(engine_->tlsContextCount()));
    Napi::Array shared = Napi::Array::New(env);
    uint32_t n = 0;
    for (const auto& [address, st] : engine_->sharedSocketStats()) {
      Napi::Object s = Napi::Object::New(env);
      s.Set("address", address.toString());
      s.Set("transports", static_cast<double>(st.transports));
      s.Set("routedByUfrag", static_cast<double>(st.demux.byUfrag));
      s.Set("routedByTransaction", static_cast<double>(st.demux.byTransaction));
      s.Set("routedByAddress", static_cast<double>(st.demux.byAddress));
      s.Set("droppedUnknown", static_cast<double>(st.demux.unknown));
      s.Set("addressTakeovers", static_cast<double>(st.demux.addressTakeovers));
      s.Set("ufragCollisions", static_cast<double>(st.ufragCollisions));
      shared.Set(n++, s);
    }
    o.Set("sharedSockets", shared);
  }
  return o;
}

Napi::Value EngineWrap::close(const Napi::CallbackInfo& info) {
  shutdown();
  return info.Env().Undefined();
}

Napi::Value EngineWrap::threadId(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), engine_ ? engine_->threadId() : 0);
}

Napi::Value EngineWrap::fingerprint(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), engine(info.Env()).fingerprint());
}

namespace {
io::TransportHost::PacketKind packetKindArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsString()) throwTypeError(info.Env(), "kind must be 'rtp' or 'rtcp'");
  std::string kind = info[index].As<Napi::String>().Utf8Value();
  if (kind == "rtp") return io::TransportHost::PacketKind::Rtp;
  if (kind == "rtcp") return io::TransportHost::PacketKind::Rtcp;
  throwTypeError(info.Env(), "kind must be 'rtp' or 'rtcp'");
}
}  // namespace

// createTransport({role, bindAddresses: [ip], advertisedAddresses?: [ip], srtpProfiles?, stunServers?, timings?})
Napi::Value EngineWrap::createTransport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  io::Engine& eng = engine(env);
  Napi::Object o = objectArg(info, 0, "transport options");
  transport::TransportConfig config = transportConfigFromJs(env, o);
  Napi::Value addresses = o.Get("bindAddresses");
  if (!addresses.IsArray() || addresses.As<Napi::Array>().Length() == 0)
    throwTypeError(env, "bindAddresses must be a non-empty array of IP addresses");
  std::vector<io::TransportHost::HostSocket> sockets;
  std::vector<io::TransportHost::TurnSocket> turnSockets;
  // One shared context per verification policy, made (and its trust store read) here, on the
  // JavaScript thread, so that a CA file that cannot be loaded is the caller's error now.
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
        int error = 0;
        auto socket = io::UdpSocket::bind(local.withPort(0), error);
        if (!socket) throwWithCode(env, errnoCode(error), "bind " + local.toString() + " for TURN failed: " + std::strerror(error));
        turnSockets.push_back({static_cast<int>(i), std::move(*socket)});
      }
      continue;
    }
    int error = 0;
    auto socket = io::UdpSocket::bind(local, error);
    if (!socket) throwWithCode(env, errnoCode(error), "bind " + local.toString() + " failed: " + std::strerror(error));
    sockets.push_back(std::move(*socket));
  }
  uint32_t handle = nextHandle_++;
  auto host = eng.makeTransport(handle, std::move(config), std::move(sockets), std::move(turnSockets), std::move(tlsContexts));
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

// transportSetRedirect(handle, 'rtp'|'rtcp', 'video'|'audio', ip|null, port?)
Napi::Value EngineWrap::transportSetRedirect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  io::TransportHost::PacketKind kind = packetKindArg(info, 1);
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

// attachPort(portHandle, transportHandle, 'rtp'|'rtcp', 'video'|'audio')
Napi::Value EngineWrap::attachPort(const Napi::CallbackInfo& info) {
  uint32_t port = uint32Arg(info, 0, "port handle");
  uint32_t transport = uint32Arg(info, 1, "transport handle");
  io::TransportHost::PacketKind kind = packetKindArg(info, 2);
  media::MediaKind media = mediaKindFromJs(info.Env(), info[3]);
  return Napi::Boolean::New(info.Env(), engine(info.Env()).attachPort(port, transport, kind, media));
}

Napi::Value EngineWrap::detachPort(const Napi::CallbackInfo& info) {
  uint32_t port = uint32Arg(info, 0, "port handle");
  uint32_t transport = uint32Arg(info, 1, "transport handle");
  return Napi::Boolean::New(info.Env(), engine_ && engine_->detachPort(port, transport));
}

}  // namespace wg::binding
