#pragma once

#include "DtlsCertificate.hpp"

#include <openssl/ssl.h>

#include <memory>

namespace wg::dtls {

// The SSL_CTX every DTLS transport of a gateway shares: DTLS 1.2 only, the gateway's
// certificate, peer certificates required but judged by fingerprint alone (RFC 5763
// section 5), and the BIO method that hands each written datagram to its transport.
class DtlsContext {
public:
  static std::shared_ptr<DtlsContext> create(std::shared_ptr<DtlsCertificate> certificate);
  ~DtlsContext();
  DtlsContext(const DtlsContext&) = delete;
  DtlsContext& operator=(const DtlsContext&) = delete;

  SSL_CTX* sslContext() const { return ctx_; }
  BIO_METHOD* datagramWriteMethod() const { return writeMethod_; }
  const DtlsCertificate& certificate() const { return *certificate_; }

private:
  DtlsContext() = default;
  std::shared_ptr<DtlsCertificate> certificate_;
  SSL_CTX* ctx_ = nullptr;
  BIO_METHOD* writeMethod_ = nullptr;
};

}  // namespace wg::dtls
