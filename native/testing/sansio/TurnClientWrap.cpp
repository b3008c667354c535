#include "TurnClientWrap.hpp"

#include "../../core/turn/ChannelData.hpp"
#include "../../core/turn/TurnStreamDeframer.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"
#include "../../binding/TurnConfigFromJs.hpp"
#include "../../binding/TurnStatsToJs.hpp"

namespace wg::binding {

namespace {
int64_t timeArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsNumber()) throwTypeError(info.Env(), "a time in microseconds is required");
  return static_cast<int64_t>(info[index].As<Napi::Number>().DoubleValue());
}

// (now, ip, port, ...) → the peer address.
net::SocketAddress peerArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() < index + 2 || !info[index].IsString() || !info[index + 1].IsNumber())
    throwTypeError(info.Env(), "a peer ip and port are required");
  return requireAddress(info.Env(), info[index].As<Napi::String>().Utf8Value(), info[index + 1].As<Napi::Number>().DoubleValue());
}

Napi::Value optionalTime(Napi::Env env, std::optional<int64_t> t) {
  return t ? Napi::Value(Napi::Number::New(env, static_cast<double>(*t))) : env.Null();
}
}  // namespace

Napi::Function TurnClientWrap::define(Napi::Env env) {
  return DefineClass(env, "TurnClient",
                     {
                         InstanceMethod<&TurnClientWrap::start>("start"),
                         InstanceMethod<&TurnClientWrap::handleDatagram>("handleDatagram"),
                         InstanceMethod<&TurnClientWrap::handleStreamBytes>("handleStreamBytes"),
                         InstanceMethod<&TurnClientWrap::handleTimeout>("handleTimeout"),
                         InstanceMethod<&TurnClientWrap::nextTimeout>("nextTimeout"),
                         InstanceMethod<&TurnClientWrap::createPermission>("createPermission"),
                         InstanceMethod<&TurnClientWrap::bindChannel>("bindChannel"),
                         InstanceMethod<&TurnClientWrap::send>("send"),
                         InstanceMethod<&TurnClientWrap::channelFor>("channelFor"),
                         InstanceMethod<&TurnClientWrap::close>("close"),
                         InstanceMethod<&TurnClientWrap::state>("state"),
                         InstanceMethod<&TurnClientWrap::stats>("stats"),
                         InstanceMethod<&TurnClientWrap::takeTransmits>("takeTransmits"),
                         InstanceMethod<&TurnClientWrap::takeEvents>("takeEvents"),
                         InstanceMethod<&TurnClientWrap::takeReceived>("takeReceived"),
                     });
}

TurnClientWrap::TurnClientWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TurnClientWrap>(info) {
  Napi::Env env = info.Env();
  Napi::Object o = objectArg(info, 0, "TURN server");
  turn::TurnClientConfig config = turnServerFromJs(env, o);
  Napi::Value seed = o.Get("seed");
  if (seed.IsNumber()) random_ = std::make_unique<SeededRandom>(static_cast<uint64_t>(seed.As<Napi::Number>().Int64Value()));
  else random_ = std::make_unique<CryptoRandom>();
  client_ = std::make_unique<turn::TurnClient>(std::move(config), *random_, static_cast<turn::TurnClient::Listener&>(*this));
}

Napi::Value TurnClientWrap::start(const Napi::CallbackInfo& info) {
  client_->start(timeArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value TurnClientWrap::handleDatagram(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> bytes = requireBytes(info.Env(), info[1], "datagram");
  client_->handleDatagram(timeArg(info, 0), bytes.data(), bytes.size());
  return info.Env().Undefined();
}

Napi::Value TurnClientWrap::handleStreamBytes(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> bytes = requireBytes(info.Env(), info[1], "stream bytes");
  client_->handleStreamBytes(timeArg(info, 0), bytes.data(), bytes.size());
  return info.Env().Undefined();
}

Napi::Value TurnClientWrap::handleTimeout(const Napi::CallbackInfo& info) {
  client_->handleTimeout(timeArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value TurnClientWrap::nextTimeout(const Napi::CallbackInfo& info) {
  return optionalTime(info.Env(), client_->nextTimeout());
}

Napi::Value TurnClientWrap::createPermission(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), client_->createPermission(timeArg(info, 0), peerArg(info, 1)));
}

Napi::Value TurnClientWrap::bindChannel(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), client_->bindChannel(timeArg(info, 0), peerArg(info, 1)));
}

// send(ip, port, bytes) → whether it went out.
Napi::Value TurnClientWrap::send(const Napi::CallbackInfo& info) {
  net::SocketAddress peer = peerArg(info, 0);
  std::vector<uint8_t> bytes = requireBytes(info.Env(), info[2], "payload");
  return Napi::Boolean::New(info.Env(), client_->send(peer, bytes.data(), bytes.size()));
}

Napi::Value TurnClientWrap::channelFor(const Napi::CallbackInfo& info) {
  auto channel = client_->channelFor(peerArg(info, 0));
  return channel ? Napi::Value(Napi::Number::New(info.Env(), *channel)) : info.Env().Null();
}

Napi::Value TurnClientWrap::close(const Napi::CallbackInfo& info) {
  client_->close(timeArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value TurnClientWrap::state(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), turn::turnStateName(client_->state()));
}

Napi::Value TurnClientWrap::stats(const Napi::CallbackInfo& info) {
  return turnStatsToJs(info.Env(), client_->stats());
}

Napi::Value TurnClientWrap::takeTransmits(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env, transmits_.size());
  for (size_t i = 0; i < transmits_.size(); ++i)
    list.Set(static_cast<uint32_t>(i), copyToBuffer(env, transmits_[i].data(), transmits_[i].size()));
  transmits_.clear();
  return list;
}

Napi::Value TurnClientWrap::takeEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env, events_.size());
  for (size_t i = 0; i < events_.size(); ++i) {
    const Event& e = events_[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("kind", e.kind);
    if (e.kind == "allocated") {
      o.Set("relayed", e.allocation.relayed.toString());
      o.Set("mapped", e.allocation.mapped.toString());
      o.Set("lifetime", e.allocation.lifetimeSeconds);
    } else if (e.kind == "failed") {
      o.Set("code", e.error.code);
      o.Set("reason", e.error.reason);
      o.Set("server", e.error.server);
      o.Set("text", e.error.describe());
    }
    list.Set(static_cast<uint32_t>(i), o);
  }
  events_.clear();
  return list;
}

Napi::Value TurnClientWrap::takeReceived(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env, received_.size());
  for (size_t i = 0; i < received_.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("ip", received_[i].peer.ipString());
    o.Set("port", received_[i].peer.port());
    o.Set("data", copyToBuffer(env, received_[i].data.data(), received_[i].data.size()));
    list.Set(static_cast<uint32_t>(i), o);
  }
  received_.clear();
  return list;
}

void TurnClientWrap::onTurnSend(const uint8_t* data, size_t size) { transmits_.emplace_back(data, data + size); }

void TurnClientWrap::onTurnAllocated(const turn::TurnAllocation& allocation) {
  events_.push_back({"allocated", allocation, {}});
}

void TurnClientWrap::onTurnFailed(const turn::TurnError& error) { events_.push_back({"failed", {}, error}); }

void TurnClientWrap::onTurnPeerData(const net::SocketAddress& peer, uint8_t* data, size_t size) {
  received_.push_back({peer, std::vector<uint8_t>(data, data + size)});
}

void TurnClientWrap::onTurnClosed() { events_.push_back({"closed", {}, {}}); }

}  // namespace wg::binding
