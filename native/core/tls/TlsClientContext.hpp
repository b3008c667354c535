#pragma once

#include "TlsVerifyConfig.hpp"

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace wg::tls {

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

}  // namespace wg::tls
