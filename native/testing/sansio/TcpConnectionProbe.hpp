#pragma once

#include "../../core/tls/TlsClientStream.hpp"
#include "../../io/EventLoop.hpp"
#include "../../io/TcpConnection.hpp"

#include <napi.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace wg::binding {

// `new sansio.TcpConnectionProbe({onEvent, ...})`: one io::TcpConnection on an EventLoop of its
// own thread, for tests against real servers. With `tls`, a TlsClientStream rides on it the way
// a TURN client's `turns:` transport joins them (TlsClientStream::maxCiphertextSize):
// TLS ciphertext goes through the connection's bounded queue, and a plaintext write is dropped
// whole when the queue has no room for its records. Events reach JavaScript through one
// thread-safe function. Test surface only; dispose() ends the thread.
class TcpConnectionProbe : public Napi::ObjectWrap<TcpConnectionProbe>,
                           private io::TcpConnection::Listener,
                           private tls::TlsClientStream::Listener {
public:
  static Napi::Function define(Napi::Env env);
  explicit TcpConnectionProbe(const Napi::CallbackInfo& info);
  ~TcpConnectionProbe() override;

  struct Event {
    std::string kind;
    std::vector<uint8_t> data;
    int error = 0;
    std::string text;
  };

private:
  static void callJs(Napi::Env env, Napi::Function callback, std::nullptr_t*, Event* event);
  using EventTsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, Event, &TcpConnectionProbe::callJs>;
  static void onEnvCleanup(void* self);

  Napi::Value connect(const Napi::CallbackInfo& info);
  Napi::Value send(const Napi::CallbackInfo& info);
  Napi::Value sendRoom(const Napi::CallbackInfo& info);
  Napi::Value shutdown(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);

  // Runs `command` on the loop thread and waits for it.
  void call(Napi::Env env, const std::function<void()>& command);
  void emit(Event event);
  void stop();
  bool sendPlaintext(const uint8_t* data, size_t size);
  void afterTls();
  void scheduleTlsTimeout();

  void onTcpConnected(io::TcpConnection& connection) override;
  void onTcpData(io::TcpConnection& connection, uint8_t* data, size_t size) override;
  void onTcpClosed(io::TcpConnection& connection, int error, const std::string& reason) override;
  void onTlsSend(const uint8_t* data, size_t size) override;
  void onTlsConnected(const tls::TlsSessionInfo& session) override;
  void onTlsPlaintext(uint8_t* data, size_t size) override;
  void onTlsClosed() override;
  void onTlsFailed(const std::string& reason) override;

  napi_env env_;
  EventTsfn events_;
  bool cleanupHookRegistered_ = false;
  std::atomic<uint64_t> eventsDropped_{0};
  std::unique_ptr<io::EventLoop> loop_;
  std::thread thread_;
  // Loop thread only, from here on.
  io::TcpConnectionOptions options_;
  std::unique_ptr<io::TcpConnection> tcp_;
  std::shared_ptr<tls::TlsClientContext> tlsContext_;
  std::optional<tls::TlsClientSettings> tlsSettings_;
  std::unique_ptr<tls::TlsClientStream> tls_;
  std::optional<io::TimerQueue::TimerId> tlsTimer_;
  bool tlsSendFailed_ = false;
  uint64_t plaintextDropped_ = 0;
};

}  // namespace wg::binding
