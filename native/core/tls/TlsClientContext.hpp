#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace wg::tls {

// How a TLS client judges the server's certificate chain.
enum class TlsVerifyMode {
  // The machine's trusted CAs (see TlsTrustStore), chain and host name checked.
  System,
  // Only the CAs in one PEM file (a private TURN deployment), chain and host name checked.
  CaFile,
  // Anything is accepted: for tests and labs only, never the default.
  None,
};

struct TlsVerifyConfig {
  TlsVerifyMode mode = TlsVerifyMode::System;
  std::string caFile;  // PEM, TlsVerifyMode::CaFile only
};

// The SSL_CTX that TLS client streams with one verification policy share (loading a trust store
// once, not per connection): TLS 1.2 and 1.3 only, forward-secret AEAD suites for 1.2 (RFC 9325
// section 4.2), no renegotiation, no compression.
class TlsClientContext {
public:
  // nullptr with `error` set when the trust store or the CA file cannot be loaded.
  static std::shared_ptr<TlsClientContext> create(const TlsVerifyConfig& config, std::string& error);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  SSL_CTX* sslContext() const { return ctx_; }
  BIO_METHOD* writeMethod() const { return writeMethod_; }
  TlsVerifyMode verifyMode() const { return mode_; }
  // Where the trusted CAs came from ("/etc/ssl/certs", a CA file), empty without verification.
  const std::string& trustSource() const { return trustSource_; }

private:
  TlsClientContext() = default;
  SSL_CTX* ctx_ = nullptr;
  BIO_METHOD* writeMethod_ = nullptr;
  TlsVerifyMode mode_ = TlsVerifyMode::System;
  std::string trustSource_;
};

const char* tlsVerifyModeName(TlsVerifyMode mode);

}  // namespace wg::tls
