#include "SharedSocketDemuxWrap.hpp"

#include "../JsExports.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"
#include "RtcpFunctions.hpp"

namespace wg::binding {

namespace {
// (ip, port) at `index`, `index + 1`.
net::SocketAddress addressArgs(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index + 1 || !info[index].IsString() || !info[index + 1].IsNumber())
    throwTypeError(info.Env(), "expected ip: string, port: number");
  return requireAddress(info.Env(), info[index].As<Napi::String>().Utf8Value(),
                        info[index + 1].As<Napi::Number>().DoubleValue());
}
}  // namespace

Napi::Function SharedSocketDemuxWrap::define(Napi::Env env) {
  return DefineClass(env, "SharedSocketDemux",
                     {
                         InstanceMethod<&SharedSocketDemuxWrap::addOwner>("addOwner"),
                         InstanceMethod<&SharedSocketDemuxWrap::removeOwner>("removeOwner"),
                         InstanceMethod<&SharedSocketDemuxWrap::onSend>("onSend"),
                         InstanceMethod<&SharedSocketDemuxWrap::route>("route"),
                         InstanceMethod<&SharedSocketDemuxWrap::stats>("stats"),
                     });
}

Napi::Value SharedSocketDemuxWrap::addOwner(const Napi::CallbackInfo& info) {
  uint32_t owner = uint32Arg(info, 0, "owner");
  if (info.Length() < 2 || !info[1].IsString()) throwTypeError(info.Env(), "ufrag must be a string");
  return Napi::Boolean::New(info.Env(), demux_.addOwner(owner, info[1].As<Napi::String>().Utf8Value()));
}

Napi::Value SharedSocketDemuxWrap::removeOwner(const Napi::CallbackInfo& info) {
  demux_.removeOwner(uint32Arg(info, 0, "owner"));
  return info.Env().Undefined();
}

Napi::Value SharedSocketDemuxWrap::onSend(const Napi::CallbackInfo& info) {
  uint32_t owner = uint32Arg(info, 0, "owner");
  net::SocketAddress to = addressArgs(info, 1);
  std::vector<uint8_t> bytes = requireBytes(info.Env(), info[3], "datagram");
  demux_.onSend(owner, to, bytes.data(), bytes.size(), int64Arg(info, 4, "nowUs"));
  return info.Env().Undefined();
}

Napi::Value SharedSocketDemuxWrap::route(const Napi::CallbackInfo& info) {
  net::SocketAddress from = addressArgs(info, 0);
  std::vector<uint8_t> bytes = requireBytes(info.Env(), info[2], "datagram");
  auto owner = demux_.route(from, bytes.data(), bytes.size(), int64Arg(info, 3, "nowUs"));
  if (!owner) return info.Env().Null();
  return Napi::Number::New(info.Env(), *owner);
}

Napi::Value SharedSocketDemuxWrap::stats(const Napi::CallbackInfo& info) {
  const auto& s = demux_.stats();
  return numbersToJs(info.Env(),
                     {
                         {"byUfrag", s.byUfrag},
                         {"byTransaction", s.byTransaction},
                         {"byAddress", s.byAddress},
                         {"unknown", s.unknown},
                         {"addressTakeovers", s.addressTakeovers},
                         {"owners", demux_.owners()},
                         {"addresses", demux_.addresses()},
                         {"pendingTransactions", demux_.pendingTransactions()},
                     });
}

}  // namespace wg::binding
