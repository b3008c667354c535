#include "TlsClientStreamWrap.hpp"

#include "../../core/tls/TlsTrustStore.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"

namespace wg::binding {

namespace {
constexpr size_t kMaxCollectedBytes = 16 * 1024 * 1024;

int64_t timeArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsNumber()) throwTypeError(info.Env(), "nowUs must be a number");
  return static_cast<int64_t>(info[index].As<Napi::Number>().DoubleValue());
}

tls::TlsVerifyConfig verifyFromJs(const Napi::Object& o) {
  tls::TlsVerifyConfig config;
  std::string verify = optionalString(o, "verify").value_or("system");
  if (verify == "system") config.mode = tls::TlsVerifyMode::System;
  else if (verify == "ca-file") config.mode = tls::TlsVerifyMode::CaFile;
  else if (verify == "none") config.mode = tls::TlsVerifyMode::None;
  else throwTypeError(o.Env(), "verify must be system, ca-file or none");
  if (config.mode == tls::TlsVerifyMode::CaFile) config.caFile = requireString(o, "caFile");
  return config;
}

Napi::Value tlsTrustPaths(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  tls::DefaultTrustPaths paths = tls::defaultTrustPaths();
  Napi::Object o = Napi::Object::New(env);
  o.Set("certFile", paths.certFile);
  o.Set("certDir", paths.certDir);
  o.Set("certFileEnv", paths.certFileEnv);
  o.Set("certDirEnv", paths.certDirEnv);
  std::string error;
  auto context = tls::TlsClientContext::create({tls::TlsVerifyMode::System, ""}, error);
  o.Set("systemTrust", context ? Napi::Value(Napi::String::New(env, context->trustSource())) : env.Null());
  return o;
}
}  // namespace

void addTlsFunctions(Napi::Env env, Napi::Object target) {
  target.Set("tlsTrustPaths", Napi::Function::New(env, tlsTrustPaths, "tlsTrustPaths"));
}

Napi::Function TlsClientStreamWrap::define(Napi::Env env) {
  return DefineClass(env, "TlsClientStream",
                     {
                         InstanceMethod<&TlsClientStreamWrap::start>("start"),
                         InstanceMethod<&TlsClientStreamWrap::handleCiphertext>("handleCiphertext"),
                         InstanceMethod<&TlsClientStreamWrap::handleEndOfStream>("handleEndOfStream"),
                         InstanceMethod<&TlsClientStreamWrap::writePlaintext>("writePlaintext"),
                         InstanceMethod<&TlsClientStreamWrap::handleTimeout>("handleTimeout"),
                         InstanceMethod<&TlsClientStreamWrap::nextTimeout>("nextTimeout"),
                         InstanceMethod<&TlsClientStreamWrap::close>("close"),
                         InstanceMethod<&TlsClientStreamWrap::takeCiphertext>("takeCiphertext"),
                         InstanceMethod<&TlsClientStreamWrap::takePlaintext>("takePlaintext"),
                         InstanceMethod<&TlsClientStreamWrap::takeEvents>("takeEvents"),
                         InstanceMethod<&TlsClientStreamWrap::state>("state"),
                         InstanceMethod<&TlsClientStreamWrap::stats>("stats"),
                     });
}

TlsClientStreamWrap::TlsClientStreamWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TlsClientStreamWrap>(info) {
  Napi::Env env = info.Env();
  Napi::Object o = objectArg(info, 0, "TlsClientStream options");
  tls::TlsClientSettings settings;
  settings.serverName = requireString(o, "serverName");
  settings.handshakeTimeoutUs =
      static_cast<int64_t>(optionalNumber(o, "handshakeTimeoutMs", 10000, 1, 3600 * 1000) * 1000);
  settings.maxPendingPlaintextBytes =
      static_cast<size_t>(optionalNumber(o, "maxPendingPlaintextBytes", 64 * 1024, 0, 16 * 1024 * 1024));
  std::string error;
  context_ = tls::TlsClientContext::create(verifyFromJs(o), error);
  if (!context_) throwWithCode(env, "ERR_TLS_CONTEXT", error);
  stream_ = std::make_unique<tls::TlsClientStream>(context_, settings, static_cast<tls::TlsClientStream::Listener&>(*this));
}

void TlsClientStreamWrap::collect(std::vector<uint8_t>& into, const uint8_t* data, size_t size) {
  if (into.size() + size > kMaxCollectedBytes) {
    outputOverflow_ += size;
    return;
  }
  into.insert(into.end(), data, data + size);
}

void TlsClientStreamWrap::onTlsSend(const uint8_t* data, size_t size) { collect(ciphertext_, data, size); }
void TlsClientStreamWrap::onTlsPlaintext(uint8_t* data, size_t size) { collect(plaintext_, data, size); }
void TlsClientStreamWrap::onTlsConnected(const tls::TlsSessionInfo&) { events_.push_back({"connected", ""}); }
void TlsClientStreamWrap::onTlsClosed() { events_.push_back({"closed", ""}); }
void TlsClientStreamWrap::onTlsFailed(const std::string& reason) { events_.push_back({"failed", reason}); }

Napi::Value TlsClientStreamWrap::start(const Napi::CallbackInfo& info) {
  stream_->start(timeArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value TlsClientStreamWrap::handleCiphertext(const Napi::CallbackInfo& info) {
  int64_t now = timeArg(info, 0);
  if (info.Length() < 2) throwTypeError(info.Env(), "ciphertext is required");
  std::vector<uint8_t> bytes = requireBytes(info.Env(), info[1], "ciphertext");
  stream_->handleCiphertext(now, bytes.data(), bytes.size());
  return info.Env().Undefined();
}

Napi::Value TlsClientStreamWrap::handleEndOfStream(const Napi::CallbackInfo& info) {
  stream_->handleEndOfStream(timeArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value TlsClientStreamWrap::writePlaintext(const Napi::CallbackInfo& info) {
  if (info.Length() < 1) throwTypeError(info.Env(), "plaintext is required");
  std::vector<uint8_t> bytes = requireBytes(info.Env(), info[0], "plaintext");
  return Napi::Boolean::New(info.Env(), stream_->writePlaintext(bytes.data(), bytes.size()));
}

Napi::Value TlsClientStreamWrap::handleTimeout(const Napi::CallbackInfo& info) {
  stream_->handleTimeout(timeArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value TlsClientStreamWrap::nextTimeout(const Napi::CallbackInfo& info) {
  auto t = stream_->nextTimeout();
  return t ? Napi::Value(Napi::Number::New(info.Env(), static_cast<double>(*t))) : info.Env().Null();
}

Napi::Value TlsClientStreamWrap::close(const Napi::CallbackInfo& info) {
  stream_->close();
  return info.Env().Undefined();
}

Napi::Value TlsClientStreamWrap::takeCiphertext(const Napi::CallbackInfo& info) {
  Napi::Value out = copyToBuffer(info.Env(), ciphertext_.data(), ciphertext_.size());
  ciphertext_.clear();
  return out;
}

Napi::Value TlsClientStreamWrap::takePlaintext(const Napi::CallbackInfo& info) {
  Napi::Value out = copyToBuffer(info.Env(), plaintext_.data(), plaintext_.size());
  plaintext_.clear();
  return out;
}

Napi::Value TlsClientStreamWrap::takeEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env, events_.size());
  for (size_t i = 0; i < events_.size(); ++i) {
    Napi::Object e = Napi::Object::New(env);
    e.Set("kind", events_[i].kind);
    if (events_[i].kind == "failed") e.Set("reason", events_[i].text);
    list.Set(static_cast<uint32_t>(i), e);
  }
  events_.clear();
  return list;
}

Napi::Value TlsClientStreamWrap::state(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), tls::tlsStateName(stream_->state()));
}

Napi::Value TlsClientStreamWrap::stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const tls::TlsStreamStats& s = stream_->stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("state", tls::tlsStateName(stream_->state()));
  o.Set("ciphertextReceived", static_cast<double>(s.ciphertextReceived));
  o.Set("ciphertextIgnored", static_cast<double>(s.ciphertextIgnored));
  o.Set("ciphertextSent", static_cast<double>(s.ciphertextSent));
  o.Set("plaintextReceived", static_cast<double>(s.plaintextReceived));
  o.Set("plaintextSent", static_cast<double>(s.plaintextSent));
  o.Set("writesRefused", static_cast<double>(s.writesRefused));
  o.Set("handshakeUs", s.handshakeUs >= 0 ? Napi::Value(Napi::Number::New(env, static_cast<double>(s.handshakeUs))) : env.Null());
  o.Set("outputOverflow", static_cast<double>(outputOverflow_));
  o.Set("verifyMode", tls::tlsVerifyModeName(context_->verifyMode()));
  o.Set("trustSource", context_->trustSource());
  const auto& session = stream_->session();
  if (session) {
    o.Set("version", session->version);
    o.Set("cipher", session->cipher);
    o.Set("verified", session->verified);
  }
  if (!stream_->failureReason().empty()) o.Set("failureReason", stream_->failureReason());
  return o;
}

}  // namespace wg::binding
