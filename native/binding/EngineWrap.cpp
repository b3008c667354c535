#include "EngineWrap.hpp"

#include "EngineStatsToJs.hpp"
#include "NativeError.hpp"
#include "TransportConfigFromJs.hpp"

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
                         InstanceMethod<&EngineWrap::transportRestartIce>("transportRestartIce"),
                         InstanceMethod<&EngineWrap::transportSetRedirect>("transportSetRedirect"),
                         InstanceMethod<&EngineWrap::transportSetOutbound>("transportSetOutbound"),
                         InstanceMethod<&EngineWrap::transportSetInbound>("transportSetInbound"),
                         InstanceMethod<&EngineWrap::transportRequestKeyframe>("transportRequestKeyframe"),
                         InstanceMethod<&EngineWrap::transportStats>("transportStats"),
                         InstanceMethod<&EngineWrap::transportMediaStats>("transportMediaStats"),
                         InstanceMethod<&EngineWrap::closeTransport>("closeTransport"),
                         InstanceMethod<&EngineWrap::attachPort>("attachPort"),
                         InstanceMethod<&EngineWrap::detachPort>("detachPort"),
                         InstanceMethod<&EngineWrap::transportOpenDataChannel>("transportOpenDataChannel"),
                         InstanceMethod<&EngineWrap::transportSetDataMaxMessageSize>("transportSetDataMaxMessageSize"),
                         InstanceMethod<&EngineWrap::transportSetDataRedirect>("transportSetDataRedirect"),
                         InstanceMethod<&EngineWrap::attachDataPort>("attachDataPort"),
                         InstanceMethod<&EngineWrap::transportSendDataMessage>("transportSendDataMessage"),
                         InstanceMethod<&EngineWrap::transportDeliverDatagram>("transportDeliverDatagram"),
                         InstanceMethod<&EngineWrap::transportDataStats>("transportDataStats"),
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

Napi::Value EngineWrap::stats(const Napi::CallbackInfo& info) {
  return engineStatsToJs(info.Env(), engine_.get(), ports_.size());
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

}  // namespace wg::binding
