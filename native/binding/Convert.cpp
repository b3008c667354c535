#include "Convert.hpp"

#include "NativeError.hpp"

namespace wg::binding {

std::string requireString(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsString()) throwTypeError(o.Env(), std::string(key) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

std::optional<std::string> optionalString(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return std::nullopt;
  if (!v.IsString()) throwTypeError(o.Env(), std::string(key) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

double requireNumber(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throwTypeError(o.Env(), std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

double optionalNumber(const Napi::Object& o, const char* key, double fallback, double min, double max) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throwTypeError(o.Env(), std::string(key) + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= min && d <= max)) throwTypeError(o.Env(), std::string(key) + " is out of range");
  return d;
}

uint32_t uint32Arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsNumber()) throwTypeError(info.Env(), std::string(name) + " must be a number");
  double d = info[index].As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 4294967295.0) || d != static_cast<double>(static_cast<uint32_t>(d)))
    throwTypeError(info.Env(), std::string(name) + " must be an integer in [0, 2^32 - 1]");
  return static_cast<uint32_t>(d);
}

Napi::Object objectArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (info.Length() <= index || !info[index].IsObject()) throwTypeError(info.Env(), std::string(what) + " must be an object");
  return info[index].As<Napi::Object>();
}

std::vector<uint8_t> requireBytes(Napi::Env env, const Napi::Value& v, const char* what) {
  if (!v.IsTypedArray()) throwTypeError(env, std::string(what) + " must be a Buffer or Uint8Array");
  auto array = v.As<Napi::TypedArray>();
  if (array.TypedArrayType() != napi_uint8_array) throwTypeError(env, std::string(what) + " must be a Uint8Array");
  auto bytes = v.As<Napi::Uint8Array>();
  return std::vector<uint8_t>(bytes.Data(), bytes.Data() + bytes.ByteLength());
}

net::SocketAddress requireAddress(Napi::Env env, const std::string& ip, double port) {
  if (!(port >= 0 && port <= 65535) || port != static_cast<double>(static_cast<int>(port)))
    throwTypeError(env, "port must be an integer in [0, 65535]");
  auto address = net::SocketAddress::parse(ip, static_cast<uint16_t>(port));
  if (!address) throwWithCode(env, "ERR_INVALID_ADDRESS", "not a numeric IP address: " + ip);
  return *address;
}

srtp::Profile requireProfile(Napi::Env env, const std::string& name) {
  auto profile = srtp::profileFromName(name);
  if (!profile) throwTypeError(env, "unknown SRTP profile " + name + " (AEAD_AES_128_GCM or AES_CM_128_HMAC_SHA1_80)");
  return *profile;
}

Napi::Object candidateToJs(Napi::Env env, const ice::Candidate& c) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("sdp", c.toSdp());
  o.Set("foundation", c.foundation);
  o.Set("component", c.component);
  o.Set("protocol", "udp");
  o.Set("priority", static_cast<double>(c.priority));
  o.Set("ip", c.address.ipString());
  o.Set("port", c.address.port());
  o.Set("type", ice::candidateTypeName(c.type));
  if (!c.relatedAddress.isUnspecified()) {
    o.Set("relatedIp", c.relatedAddress.ipString());
    o.Set("relatedPort", c.relatedAddress.port());
  }
  if (!c.url.empty()) o.Set("url", c.url);
  return o;
}

ice::Candidate candidateFromJs(Napi::Env env, const Napi::Object& o) {
  ice::Candidate c;
  c.foundation = requireString(o, "foundation");
  if (c.foundation.empty() || c.foundation.size() > 32) throwTypeError(env, "foundation must have 1 to 32 characters");
  double component = requireNumber(o, "component");
  if (component != 1) throwTypeError(env, "only component 1 is used (rtcp-mux)");
  double priority = requireNumber(o, "priority");
  if (!(priority >= 1 && priority <= 4294967295.0)) throwTypeError(env, "priority must be in [1, 2^32 - 1]");
  c.priority = static_cast<uint32_t>(priority);
  c.address = requireAddress(env, requireString(o, "ip"), requireNumber(o, "port"));
  std::string type = requireString(o, "type");
  if (type == "host") c.type = ice::CandidateType::Host;
  else if (type == "srflx") c.type = ice::CandidateType::ServerReflexive;
  else if (type == "prflx") c.type = ice::CandidateType::PeerReflexive;
  else if (type == "relay") c.type = ice::CandidateType::Relay;
  else throwTypeError(env, "type must be host, srflx, prflx or relay");
  auto relatedIp = optionalString(o, "relatedIp");
  if (relatedIp) c.relatedAddress = requireAddress(env, *relatedIp, requireNumber(o, "relatedPort"));
  return c;
}

Napi::Buffer<uint8_t> copyToBuffer(Napi::Env env, const uint8_t* data, size_t size) {
  return Napi::Buffer<uint8_t>::Copy(env, data, size);
}

}  // namespace wg::binding
