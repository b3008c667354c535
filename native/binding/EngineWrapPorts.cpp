// EngineWrap's UDP port commands: plain ports that relay RTP/RTCP to and from a local
// application, the shared media socket, and a port's attachment to a transport.
#include "EngineWrap.hpp"

#include "Convert.hpp"
#include "EngineStatsToJs.hpp"
#include "MediaRoutingFromJs.hpp"
#include "NativeError.hpp"

#include <cstring>

namespace wg::binding {

namespace {
uint32_t handleArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throwTypeError(info.Env(), "a port handle (number) is required");
  return info[0].As<Napi::Number>().Uint32Value();
}

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
  // {maxDatagramBytes}: above the engine's recvSlotBytes (a data port, 65535), datagrams up to
  // that size are received whole (see Engine::addPort).
  size_t maxDatagramBytes = 0;
  if (info.Length() > 2 && info[2].IsObject()) {
    Napi::Value v = info[2].As<Napi::Object>().Get("maxDatagramBytes");
    if (!v.IsUndefined()) {
      double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
      if (!(d >= 1 && d <= 65535) || d != static_cast<double>(static_cast<int>(d)))
        throwWithCode(env, "ERR_INVALID_ARG", "maxDatagramBytes must be an integer in [1, 65535]");
      maxDatagramBytes = static_cast<size_t>(d);
    }
  }
  io::UdpSocket socket = bindArgs(info, "openUdpPort(ip: string, port: number, options?: {maxDatagramBytes?})");
  net::SocketAddress bound = socket.localAddress();
  uint32_t handle = nextHandle_++;
  auto counters = std::make_shared<io::PortCounters>();
  ports_[handle] = counters;
  eng.addPort(handle, std::move(socket), counters, maxDatagramBytes);

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
  return portCountersToJs(env, *found->second);
}

// attachPort(portHandle, transportHandle, 'rtp'|'rtcp', 'video'|'audio')
Napi::Value EngineWrap::attachPort(const Napi::CallbackInfo& info) {
  uint32_t port = uint32Arg(info, 0, "port handle");
  uint32_t transport = uint32Arg(info, 1, "transport handle");
  media::PacketKind kind = packetKindFromJs(info.Env(), info[2]);
  media::MediaKind media = mediaKindFromJs(info.Env(), info[3]);
  return Napi::Boolean::New(info.Env(), engine(info.Env()).attachPort(port, transport, kind, media));
}

Napi::Value EngineWrap::detachPort(const Napi::CallbackInfo& info) {
  uint32_t port = uint32Arg(info, 0, "port handle");
  uint32_t transport = uint32Arg(info, 1, "transport handle");
  return Napi::Boolean::New(info.Env(), engine_ && engine_->detachPort(port, transport));
}

}  // namespace wg::binding
