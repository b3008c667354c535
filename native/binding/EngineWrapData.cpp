// EngineWrap's data-channel commands (transports created with dataChannels): the connection's
// channel, its redirect, data ports, the slow path's messages and datagrams, statistics.
#include "EngineWrap.hpp"

#include "Convert.hpp"
#include "NativeError.hpp"
#include "TransportConfigFromJs.hpp"

#include <cmath>

namespace wg::binding {

namespace {
std::optional<uint32_t> optionalUint(Napi::Env env, const Napi::Object& o, const char* key, double max) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return std::nullopt;
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && d <= max) || d != std::floor(d))
    throwWithCode(env, "ERR_INVALID_ARG", std::string(key) + " must be an integer in [0, " + std::to_string(static_cast<uint64_t>(max)) + "]");
  return static_cast<uint32_t>(d);
}

Napi::Buffer<uint8_t> bufferArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsBuffer()) throwTypeError(info.Env(), "a Buffer is required");
  return info[index].As<Napi::Buffer<uint8_t>>();
}

const char* sendStatusName(sctp::SctpSendStatus status) {
  switch (status) {
    case sctp::SctpSendStatus::Ok: return "ok";
    case sctp::SctpSendStatus::NotConnected:
    case sctp::SctpSendStatus::UnknownChannel: return "not-connected";
    case sctp::SctpSendStatus::TooLarge: return "too-large";
    case sctp::SctpSendStatus::Full: return "full";
    case sctp::SctpSendStatus::Failed: return "failed";
  }
  return "failed";
}

Napi::Object dropTable(Napi::Env env, const std::array<uint64_t, datachannel::kDropReasonCount>& table) {
  Napi::Object o = Napi::Object::New(env);
  for (size_t r = 0; r < datachannel::kDropReasonCount; ++r)
    o.Set(datachannel::dropReasonName(static_cast<datachannel::DropReason>(r)), static_cast<double>(table[r]));
  return o;
}
}  // namespace

// transportOpenDataChannel(handle, {label, protocol, ordered, maxRetransmits?, maxPacketLifeTime?, negotiatedId?})
Napi::Value EngineWrap::transportOpenDataChannel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = objectArg(info, 1, "data channel options");
  sctp::DcepOpen open;
  open.label = optionalString(o, "label").value_or("");
  open.protocol = optionalString(o, "protocol").value_or("");
  Napi::Value ordered = o.Get("ordered");
  if (!ordered.IsUndefined() && !ordered.IsBoolean()) throwTypeError(env, "ordered must be a boolean");
  open.reliability.ordered = ordered.IsUndefined() || ordered.As<Napi::Boolean>().Value();
  open.reliability.maxRetransmits = optionalUint(env, o, "maxRetransmits", 4294967295.0);
  open.reliability.maxLifetimeMs = optionalUint(env, o, "maxPacketLifeTime", 4294967295.0);
  if (open.reliability.maxRetransmits && open.reliability.maxLifetimeMs)
    throwWithCode(env, "ERR_INVALID_ARG", "maxRetransmits and maxPacketLifeTime exclude each other");
  std::optional<uint32_t> id = optionalUint(env, o, "negotiatedId", 65534);
  std::optional<uint16_t> negotiated;
  if (id) negotiated = static_cast<uint16_t>(*id);
  std::optional<uint16_t> stream;
  onTransport(info, [&](io::TransportHost& host) { stream = host.openDataChannel(open, negotiated); });
  return stream ? Napi::Number::New(env, *stream) : env.Null();
}

Napi::Value EngineWrap::transportSetDataMaxMessageSize(const Napi::CallbackInfo& info) {
  uint32_t bytes = uint32Arg(info, 1, "max message size");
  onTransport(info, [bytes](io::TransportHost& host) { host.setDataMaxMessageSize(bytes); });
  return info.Env().Undefined();
}

// transportSetDataRedirect(handle, ip | null, port?)
Napi::Value EngineWrap::transportSetDataRedirect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::optional<net::SocketAddress> to;
  if (info.Length() > 1 && info[1].IsString()) {
    if (info.Length() < 3 || !info[2].IsNumber()) throwTypeError(env, "a redirect port is required");
    to = requireAddress(env, info[1].As<Napi::String>().Utf8Value(), info[2].As<Napi::Number>().DoubleValue());
  }
  onTransport(info, [&](io::TransportHost& host) { host.setDataRedirect(to); });
  return env.Undefined();
}

Napi::Value EngineWrap::attachDataPort(const Napi::CallbackInfo& info) {
  uint32_t port = uint32Arg(info, 0, "port handle");
  uint32_t transport = uint32Arg(info, 1, "transport handle");
  return Napi::Boolean::New(info.Env(), engine(info.Env()).attachDataPort(port, transport));
}

// transportSendDataMessage(handle, binary, data): one raw message on the connection's channel.
Napi::Value EngineWrap::transportSendDataMessage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[1].IsBoolean()) throwTypeError(env, "binary must be a boolean");
  bool binary = info[1].As<Napi::Boolean>().Value();
  Napi::Buffer<uint8_t> data = bufferArg(info, 2);
  sctp::SctpSendStatus status = sctp::SctpSendStatus::NotConnected;
  onTransport(info, [&](io::TransportHost& host) { status = host.sendDataMessage(binary, data.Data(), data.Length()); });
  return Napi::String::New(env, sendStatusName(status));
}

Napi::Value EngineWrap::transportDeliverDatagram(const Napi::CallbackInfo& info) {
  Napi::Buffer<uint8_t> data = bufferArg(info, 1);
  bool sent = false;
  onTransport(info, [&](io::TransportHost& host) { sent = host.deliverDatagram(data.Data(), data.Length()); });
  return Napi::Boolean::New(info.Env(), sent);
}

Napi::Value EngineWrap::transportDataStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  io::TransportHost::DataStats s;
  onTransport(info, [&s](io::TransportHost& host) { s = host.dataStats(); });
  Napi::Object o = Napi::Object::New(env);
  o.Set("channel", s.stream ? dataChannelToJs(env, *s.stream, s.channel) : env.Null());
  o.Set("open", s.open);
  o.Set("bufferedAmount", static_cast<double>(s.bufferedAmount));
  o.Set("congested", s.congested);
  o.Set("sentMessages", static_cast<double>(s.counters.sentMessages));
  o.Set("sentBytes", static_cast<double>(s.counters.sentBytes));
  o.Set("receivedMessages", static_cast<double>(s.counters.receivedMessages));
  o.Set("receivedBytes", static_cast<double>(s.counters.receivedBytes));
  std::array<uint64_t, datachannel::kDropReasonCount> both{};
  for (size_t r = 0; r < both.size(); ++r) both[r] = s.counters.droppedToRemote[r] + s.counters.droppedFromRemote[r];
  o.Set("dropped", dropTable(env, both));
  o.Set("droppedToRemote", dropTable(env, s.counters.droppedToRemote));
  o.Set("droppedFromRemote", dropTable(env, s.counters.droppedFromRemote));
  return o;
}

}  // namespace wg::binding
