#pragma once

#include "../../core/tls/TlsClientStream.hpp"

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

namespace wg::binding {

// `new sansio.TlsClientStream({serverName, verify, caFile?, handshakeTimeoutMs?, maxPendingPlaintextBytes?})`:
// one TLS client stream driven from JavaScript, which moves its ciphertext over a real socket
// (tests against node:tls and coturn). What it emits is collected until taken: takeCiphertext(),
// takePlaintext(), takeEvents(). Test surface only.
class TlsClientStreamWrap : public Napi::ObjectWrap<TlsClientStreamWrap>, private tls::TlsClientStream::Listener {
public:
  static Napi::Function define(Napi::Env env);
  explicit TlsClientStreamWrap(const Napi::CallbackInfo& info);

private:
  struct Event {
    std::string kind;
    std::string text;  // the failure reason
  };

  Napi::Value start(const Napi::CallbackInfo& info);
  Napi::Value handleCiphertext(const Napi::CallbackInfo& info);
  Napi::Value handleEndOfStream(const Napi::CallbackInfo& info);
  Napi::Value writePlaintext(const Napi::CallbackInfo& info);
  Napi::Value handleTimeout(const Napi::CallbackInfo& info);
  Napi::Value nextTimeout(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);
  Napi::Value takeCiphertext(const Napi::CallbackInfo& info);
  Napi::Value takePlaintext(const Napi::CallbackInfo& info);
  Napi::Value takeEvents(const Napi::CallbackInfo& info);
  Napi::Value state(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);

  void onTlsSend(const uint8_t* data, size_t size) override;
  void onTlsConnected(const tls::TlsSessionInfo& session) override;
  void onTlsPlaintext(uint8_t* data, size_t size) override;
  void onTlsClosed() override;
  void onTlsFailed(const std::string& reason) override;
  void collect(std::vector<uint8_t>& into, const uint8_t* data, size_t size);

  std::shared_ptr<tls::TlsClientContext> context_;
  std::unique_ptr<tls::TlsClientStream> stream_;
  std::vector<uint8_t> ciphertext_;
  std::vector<uint8_t> plaintext_;
  std::vector<Event> events_;
  uint64_t outputOverflow_ = 0;  // bytes dropped because JavaScript did not take them
};

// addon.sansio.tlsTrustPaths(): where Node's OpenSSL looks for CAs and what the system trust
// policy finds on this machine.
void addTlsFunctions(Napi::Env env, Napi::Object target);

}  // namespace wg::binding
