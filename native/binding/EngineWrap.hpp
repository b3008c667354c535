#pragma once

#include "../io/Engine.hpp"

#include <napi.h>

#include <functional>
#include <memory>
#include <unordered_map>

namespace wg::binding {

// JavaScript's handle on one native I/O engine (`new addon.Engine({onEvents})`).
// Owns the engine's thread and its single thread-safe function; both end on close(),
// on garbage collection and on Node environment cleanup, whichever comes first. The port
// commands are in EngineWrapPorts.cpp, the transport commands in EngineWrapTransports.cpp.
class EngineWrap : public Napi::ObjectWrap<EngineWrap>, private io::EngineEventSink {
public:
  static Napi::Function define(Napi::Env env);
  explicit EngineWrap(const Napi::CallbackInfo& info);
  ~EngineWrap() override;

private:
  static void callJs(Napi::Env env, Napi::Function callback, std::nullptr_t*, io::EngineEventBatch* batch);
  using EventTsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, io::EngineEventBatch, &EngineWrap::callJs>;
  static void onEnvCleanup(void* self);

  Napi::Value openUdpPort(const Napi::CallbackInfo& info);
  Napi::Value closeUdpPort(const Napi::CallbackInfo& info);
  Napi::Value openSharedSocket(const Napi::CallbackInfo& info);
  Napi::Value portStats(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);
  Napi::Value threadId(const Napi::CallbackInfo& info);
  Napi::Value fingerprint(const Napi::CallbackInfo& info);
  Napi::Value createTransport(const Napi::CallbackInfo& info);
  Napi::Value transportSetRemote(const Napi::CallbackInfo& info);
  Napi::Value transportAddCandidate(const Napi::CallbackInfo& info);
  Napi::Value transportEndOfCandidates(const Napi::CallbackInfo& info);
  Napi::Value transportRestartIce(const Napi::CallbackInfo& info);
  Napi::Value transportSetRedirect(const Napi::CallbackInfo& info);
  Napi::Value transportSetOutbound(const Napi::CallbackInfo& info);
  Napi::Value transportSetInbound(const Napi::CallbackInfo& info);
  Napi::Value transportRequestKeyframe(const Napi::CallbackInfo& info);
  Napi::Value transportStats(const Napi::CallbackInfo& info);
  Napi::Value transportMediaStats(const Napi::CallbackInfo& info);
  Napi::Value closeTransport(const Napi::CallbackInfo& info);
  Napi::Value attachPort(const Napi::CallbackInfo& info);
  Napi::Value detachPort(const Napi::CallbackInfo& info);
  // Data channels (EngineWrapData.cpp).
  Napi::Value transportOpenDataChannel(const Napi::CallbackInfo& info);
  Napi::Value transportSetDataMaxMessageSize(const Napi::CallbackInfo& info);
  Napi::Value transportSetDataRedirect(const Napi::CallbackInfo& info);
  Napi::Value attachDataPort(const Napi::CallbackInfo& info);
  Napi::Value transportSendDataMessage(const Napi::CallbackInfo& info);
  Napi::Value transportDeliverDatagram(const Napi::CallbackInfo& info);
  Napi::Value transportDataStats(const Napi::CallbackInfo& info);
  // Runs `command` on the loop thread; throws ERR_UNKNOWN_TRANSPORT for an unknown handle.
  void onTransport(const Napi::CallbackInfo& info, const std::function<void(io::TransportHost&)>& command);

  bool deliver(io::EngineEventBatch&& batch) override;
  io::Engine& engine(Napi::Env env);
  void shutdown();

  napi_env env_;
  EventTsfn events_;
  std::unique_ptr<io::Engine> engine_;
  std::unordered_map<uint32_t, std::shared_ptr<io::PortCounters>> ports_;
  uint32_t nextHandle_ = 1;
  bool cleanupHookRegistered_ = false;
};

}  // namespace wg::binding
