#include "TcpConnectionProbe.hpp"

#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"

#include <future>

namespace wg::binding {

namespace {
constexpr size_t kEventQueue = 4096;
}  // namespace

Napi::Function TcpConnectionProbe::define(Napi::Env env) {
  return DefineClass(env, "TcpConnectionProbe",
                     {
                         InstanceMethod<&TcpConnectionProbe::connect>("connect"),
                         InstanceMethod<&TcpConnectionProbe::send>("send"),
                         InstanceMethod<&TcpConnectionProbe::sendRoom>("sendRoom"),
                         InstanceMethod<&TcpConnectionProbe::shutdown>("shutdown"),
                         InstanceMethod<&TcpConnectionProbe::close>("close"),
                         InstanceMethod<&TcpConnectionProbe::stats>("stats"),
                         InstanceMethod<&TcpConnectionProbe::dispose>("dispose"),
                     });
}

TcpConnectionProbe::TcpConnectionProbe(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<TcpConnectionProbe>(info), env_(info.Env()) {
  Napi::Env env = info.Env();
  Napi::Object o = objectArg(info, 0, "TcpConnectionProbe options");
  Napi::Value onEvent = o.Get("onEvent");
  if (!onEvent.IsFunction()) throwTypeError(env, "options.onEvent must be a function");
  auto localIp = optionalString(o, "localIp");
  if (localIp) options_.localAddress = requireAddress(env, *localIp, 0);
  options_.connectTimeoutUs = static_cast<int64_t>(optionalNumber(o, "connectTimeoutMs", 10000, 1, 3600000) * 1000);
  options_.closeTimeoutUs = static_cast<int64_t>(optionalNumber(o, "closeTimeoutMs", 2000, 1, 3600000) * 1000);
  options_.sendQueueBytes = static_cast<size_t>(optionalNumber(o, "sendQueueBytes", 256 * 1024, 1, 64 * 1024 * 1024));
  options_.readChunkBytes = static_cast<size_t>(optionalNumber(o, "readChunkBytes", 16 * 1024, 1, 1024 * 1024));
  Napi::Value tlsOptions = o.Get("tls");
  if (tlsOptions.IsObject()) {
    Napi::Object t = tlsOptions.As<Napi::Object>();
    tls::TlsVerifyConfig verify;
    std::string mode = optionalString(t, "verify").value_or("system");
    if (mode == "ca-file") verify = {tls::TlsVerifyMode::CaFile, requireString(t, "caFile")};
    else if (mode == "none") verify.mode = tls::TlsVerifyMode::None;
    else if (mode != "system") throwTypeError(env, "tls.verify must be system, ca-file or none");
    std::string error;
    tlsContext_ = tls::TlsClientContext::create(verify, error);
    if (!tlsContext_) throwWithCode(env, "ERR_TLS_CONTEXT", error);
    tls::TlsClientSettings settings;
    settings.serverName = requireString(t, "serverName");
    settings.handshakeTimeoutUs = static_cast<int64_t>(optionalNumber(t, "handshakeTimeoutMs", 10000, 1, 3600000) * 1000);
    tlsSettings_ = settings;
  }
  events_ = EventTsfn::New(env, onEvent.As<Napi::Function>(), "webrtc-gateway:tcp-probe", kEventQueue, 1);
  events_.Unref(env);
  loop_ = std::make_unique<io::EventLoop>();
  thread_ = std::thread([this] { loop_->run([] {}); });
  napi_add_env_cleanup_hook(env_, &TcpConnectionProbe::onEnvCleanup, this);
  cleanupHookRegistered_ = true;
}

TcpConnectionProbe::~TcpConnectionProbe() {
  stop();
  if (cleanupHookRegistered_) napi_remove_env_cleanup_hook(env_, &TcpConnectionProbe::onEnvCleanup, this);
}

void TcpConnectionProbe::onEnvCleanup(void* self) {
  auto* probe = static_cast<TcpConnectionProbe*>(self);
  probe->cleanupHookRegistered_ = false;
  probe->stop();
}

void TcpConnectionProbe::stop() {
  if (!loop_) return;
  loop_->post([this] {
    if (tlsTimer_) loop_->timers().cancel(*tlsTimer_);
    tls_.reset();
    tcp_.reset();
  });
  loop_->stop();
  thread_.join();
  loop_.reset();
  events_.Release();
}

void TcpConnectionProbe::call(Napi::Env env, const std::function<void()>& command) {
  if (!loop_) throwWithCode(env, "ERR_PROBE_DISPOSED", "the probe is disposed");
  std::promise<void> done;
  auto finished = done.get_future();
  loop_->post([&command, &done] {
    command();
    done.set_value();
  });
  finished.wait();
}

void TcpConnectionProbe::emit(Event event) {
  auto* heap = new Event(std::move(event));
  if (events_.NonBlockingCall(heap) != napi_ok) {
    delete heap;
    eventsDropped_.fetch_add(1, std::memory_order_relaxed);
  }
}

void TcpConnectionProbe::callJs(Napi::Env env, Napi::Function callback, std::nullptr_t*, Event* event) {
  std::unique_ptr<Event> owned(event);
  if (env == nullptr || callback.IsEmpty() || !owned) return;
  try {
    Napi::Object o = Napi::Object::New(env);
    o.Set("kind", owned->kind);
    if (owned->kind == "data") o.Set("data", copyToBuffer(env, owned->data.data(), owned->data.size()));
    if (owned->kind == "closed") o.Set("error", owned->error);
    if (!owned->text.empty()) o.Set("text", owned->text);
    callback.Call({o});
  } catch (const Napi::Error& error) {
    if (!env.IsExceptionPending()) napi_throw(env, error.Value());
  }
}

Napi::Value TcpConnectionProbe::connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) throwTypeError(env, "connect(ip: string, port: number)");
  net::SocketAddress remote = requireAddress(env, info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::Number>().DoubleValue());
  int error = 0;
  bool started = false;
  call(env, [&] {
    if (tcp_) {
      error = EISCONN;
      return;
    }
    tcp_ = std::make_unique<io::TcpConnection>(*loop_, options_, static_cast<io::TcpConnection::Listener&>(*this));
    started = tcp_->connect(remote, error);
    if (!started) tcp_.reset();
    // Created now so that what is written before TCP connects waits as pending plaintext.
    if (started && tlsSettings_)
      tls_ = std::make_unique<tls::TlsClientStream>(tlsContext_, *tlsSettings_, static_cast<tls::TlsClientStream::Listener&>(*this));
  });
  if (!started) throwWithCode(env, errnoCode(error), "connect to " + remote.toString() + " failed: " + io::errnoText(error));
  return env.Undefined();
}

Napi::Value TcpConnectionProbe::send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1) throwTypeError(env, "send(bytes | bytes[])");
  // An array is one message in pieces (as a TURN relay sends header, payload and padding).
  std::vector<std::vector<uint8_t>> pieces;
  if (info[0].IsArray()) {
    Napi::Array list = info[0].As<Napi::Array>();
    if (list.Length() == 0 || list.Length() > 8) throwTypeError(env, "send() takes 1 to 8 pieces");
    for (uint32_t i = 0; i < list.Length(); ++i) pieces.push_back(requireBytes(env, list.Get(i), "piece"));
  } else {
    pieces.push_back(requireBytes(env, info[0], "bytes"));
  }
  bool accepted = false;
  call(env, [&] {
    if (!tcp_) return;
    if (tls_) {
      std::vector<uint8_t> whole;
      for (const auto& p : pieces) whole.insert(whole.end(), p.begin(), p.end());
      accepted = sendPlaintext(whole.data(), whole.size());
      return;
    }
    iovec iov[8];
    for (size_t i = 0; i < pieces.size(); ++i) iov[i] = {pieces[i].data(), pieces[i].size()};
    accepted = tcp_->send(iov, static_cast<int>(pieces.size()));
  });
  return Napi::Boolean::New(env, accepted);
}

bool TcpConnectionProbe::sendPlaintext(const uint8_t* data, size_t size) {
  // The seam a relay path uses: drop the message whole before encryption when its records would
  // not fit, since ciphertext dropped after encryption would break the TLS stream.
  if (tls_->state() == tls::TlsState::Connected && tcp_->sendRoom() < tls::TlsClientStream::maxCiphertextSize(size)) {
    ++plaintextDropped_;
    return false;
  }
  bool accepted = tls_->writePlaintext(data, size);
  afterTls();
  return accepted;
}

Napi::Value TcpConnectionProbe::sendRoom(const Napi::CallbackInfo& info) {
  size_t room = 0;
  call(info.Env(), [&] { room = tcp_ ? tcp_->sendRoom() : 0; });
  return Napi::Number::New(info.Env(), static_cast<double>(room));
}

Napi::Value TcpConnectionProbe::shutdown(const Napi::CallbackInfo& info) {
  call(info.Env(), [&] {
    if (tls_) {
      tls_->close();  // close_notify first, through the queue
      afterTls();
    }
    if (tcp_) tcp_->shutdownAfterFlush();
  });
  return info.Env().Undefined();
}

Napi::Value TcpConnectionProbe::close(const Napi::CallbackInfo& info) {
  call(info.Env(), [&] {
    if (tcp_) tcp_->close();
  });
  return info.Env().Undefined();
}

Napi::Value TcpConnectionProbe::dispose(const Napi::CallbackInfo& info) {
  stop();
  return info.Env().Undefined();
}

Napi::Value TcpConnectionProbe::stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  io::TcpConnectionStats s;
  io::TcpState state = io::TcpState::Idle;
  net::SocketAddress local;
  std::optional<tls::TlsStreamStats> tlsStats;
  std::string tlsState;
  call(env, [&] {
    if (tcp_) {
      s = tcp_->stats();
      state = tcp_->state();
      local = tcp_->localAddress();
    }
    if (tls_) {
      tlsStats = tls_->stats();
      tlsState = tls::tlsStateName(tls_->state());
    }
  });
  Napi::Object o = Napi::Object::New(env);
  o.Set("state", io::tcpStateName(state));
  o.Set("bytesSent", static_cast<double>(s.bytesSent));
  o.Set("bytesReceived", static_cast<double>(s.bytesReceived));
  o.Set("sendsDropped", static_cast<double>(s.sendsDropped));
  o.Set("bytesDropped", static_cast<double>(s.bytesDropped));
  o.Set("queuedBytes", static_cast<double>(s.queuedBytes));
  o.Set("queuePeakBytes", static_cast<double>(s.queuePeakBytes));
  o.Set("localIp", local.isUnspecified() ? env.Null() : Napi::Value(Napi::String::New(env, local.ipString())));
  o.Set("localPort", local.isUnspecified() ? 0 : local.port());
  o.Set("eventsDropped", static_cast<double>(eventsDropped_.load(std::memory_order_relaxed)));
  if (tlsStats) {
    Napi::Object t = Napi::Object::New(env);
    t.Set("state", tlsState);
    t.Set("plaintextSent", static_cast<double>(tlsStats->plaintextSent));
    t.Set("plaintextReceived", static_cast<double>(tlsStats->plaintextReceived));
    t.Set("ciphertextSent", static_cast<double>(tlsStats->ciphertextSent));
    t.Set("ciphertextReceived", static_cast<double>(tlsStats->ciphertextReceived));
    t.Set("plaintextDropped", static_cast<double>(plaintextDropped_));
    o.Set("tls", t);
  }
  return o;
}

void TcpConnectionProbe::scheduleTlsTimeout() {
  if (tlsTimer_) loop_->timers().cancel(*tlsTimer_);
  tlsTimer_.reset();
  auto at = tls_ ? tls_->nextTimeout() : std::nullopt;
  if (!at) return;
  tlsTimer_ = loop_->timers().schedule(*at, [this] {
    tlsTimer_.reset();
    if (!tls_) return;
    tls_->handleTimeout(loop_->now());
    afterTls();
  });
}

// After every call into the TLS stream: what its callbacks could not do from inside OpenSSL.
void TcpConnectionProbe::afterTls() {
  if (tlsSendFailed_ && tcp_) {
    tlsSendFailed_ = false;
    // Part of the ciphertext was dropped: the stream cannot go on.
    tcp_->close();
    emit({"tls-failed", {}, 0, "the TCP send queue overflowed under TLS"});
  }
  scheduleTlsTimeout();
}

void TcpConnectionProbe::onTcpConnected(io::TcpConnection& connection) {
  emit({"connected", {}, 0, connection.localAddress().toString()});
  if (!tls_) return;
  tls_->start(loop_->now());
  afterTls();
}

void TcpConnectionProbe::onTcpData(io::TcpConnection&, uint8_t* data, size_t size) {
  if (tls_) {
    tls_->handleCiphertext(loop_->now(), data, size);
    afterTls();
    return;
  }
  emit({"data", std::vector<uint8_t>(data, data + size), 0, ""});
}

void TcpConnectionProbe::onTcpClosed(io::TcpConnection&, int error, const std::string& reason) {
  if (tls_ && tls_->state() != tls::TlsState::New) {
    tls_->handleEndOfStream(loop_->now());
    afterTls();
  }
  emit({"closed", {}, error, reason});
}

void TcpConnectionProbe::onTlsSend(const uint8_t* data, size_t size) {
  if (!tcp_->send(data, size)) tlsSendFailed_ = true;
}

void TcpConnectionProbe::onTlsConnected(const tls::TlsSessionInfo& session) {
  emit({"tls-connected", {}, 0, session.version + " " + session.cipher});
}

void TcpConnectionProbe::onTlsPlaintext(uint8_t* data, size_t size) {
  emit({"data", std::vector<uint8_t>(data, data + size), 0, ""});
}

void TcpConnectionProbe::onTlsClosed() {
  emit({"tls-closed", {}, 0, ""});
  tcp_->shutdownAfterFlush();
}

void TcpConnectionProbe::onTlsFailed(const std::string& reason) {
  emit({"tls-failed", {}, 0, reason});
  tcp_->close();
}

}  // namespace wg::binding
