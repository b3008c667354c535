#include "TurnConfigFromJs.hpp"

#include "Convert.hpp"
#include "NativeError.hpp"

namespace wg::binding {

namespace {
void readMicros(const Napi::Object& timings, const char* name, int64_t& out) {
  Napi::Value v = timings.Get(name);
  if (v.IsUndefined()) return;
  if (!v.IsNumber() || v.As<Napi::Number>().DoubleValue() <= 0)
    throwTypeError(timings.Env(), std::string("turn timings.") + name + " must be a positive number");
  out = static_cast<int64_t>(v.As<Napi::Number>().DoubleValue());
}
}  // namespace

turn::TurnClientConfig turnServerFromJs(Napi::Env env, const Napi::Object& o) {
  turn::TurnClientConfig config;
  config.server = requireAddress(env, requireString(o, "ip"), requireNumber(o, "port"));
  std::string transport = optionalString(o, "transport").value_or("udp");
  if (transport == "udp") config.transport = turn::TurnTransport::Udp;
  else if (transport == "tcp") config.transport = turn::TurnTransport::Tcp;
  else if (transport == "tls") config.transport = turn::TurnTransport::Tls;
  else throwTypeError(env, "a TURN server's transport must be udp, tcp or tls");
  config.username = requireString(o, "username");
  config.password = requireString(o, "credential");
  // RFC 8489 section 14.3/9.2: USERNAME under 513 bytes; REALM and NONCE bound the rest.
  if (config.username.size() > 512) throwTypeError(env, "a TURN username must be at most 512 bytes");
  if (config.password.size() > 512) throwTypeError(env, "a TURN credential must be at most 512 bytes");
  config.url = optionalString(o, "url").value_or("");
  config.host = optionalString(o, "host").value_or("");
  // How a turns: server's certificate is judged: the machine's CAs (default), one CA file, or not at all.
  std::string verify = optionalString(o, "tlsVerify").value_or("system");
  if (verify == "system") config.tlsVerify.mode = tls::TlsVerifyMode::System;
  else if (verify == "ca-file") config.tlsVerify.mode = tls::TlsVerifyMode::CaFile;
  else if (verify == "none") config.tlsVerify.mode = tls::TlsVerifyMode::None;
  else throwTypeError(env, "a TURN server's tlsVerify must be system, ca-file or none");
  auto caFile = optionalString(o, "tlsCaFile");
  if (config.tlsVerify.mode == tls::TlsVerifyMode::CaFile) {
    if (!caFile || caFile->empty()) throwTypeError(env, "tlsVerify 'ca-file' needs tlsCaFile, the path of a PEM file");
    config.tlsVerify.caFile = *caFile;
  } else if (caFile) {
    throwTypeError(env, "tlsCaFile is only for tlsVerify 'ca-file'");
  }
  Napi::Value lifetime = o.Get("lifetimeSeconds");
  if (lifetime.IsNumber()) config.lifetimeSeconds = lifetime.As<Napi::Number>().Uint32Value();
  Napi::Value timings = o.Get("timings");
  if (timings.IsObject()) {
    Napi::Object t = timings.As<Napi::Object>();
    readMicros(t, "rtoUs", config.timings.rtoUs);
    readMicros(t, "streamTimeoutUs", config.timings.streamTimeoutUs);
    readMicros(t, "permissionRefreshUs", config.timings.permissionRefreshUs);
    readMicros(t, "channelRefreshUs", config.timings.channelRefreshUs);
    readMicros(t, "refreshMarginUs", config.timings.refreshMarginUs);
    Napi::Value n = t.Get("transmissions");
    if (n.IsNumber()) config.timings.transmissions = std::max(1, static_cast<int>(n.As<Napi::Number>().Int32Value()));
  }
  return config;
}

}  // namespace wg::binding
