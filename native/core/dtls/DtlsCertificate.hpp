#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace wg::dtls {

// The gateway's DTLS identity: an ECDSA P-256 key and a self-signed certificate, whose
// SHA-256 fingerprint goes into every SDP (RFC 8122 section 5). Peers check the fingerprint,
// not the certificate chain, so one self-signed certificate serves every connection.
class DtlsCertificate {
public:
  // nullptr if OpenSSL cannot generate the key or sign the certificate.
  static std::shared_ptr<DtlsCertificate> generate();
  ~DtlsCertificate();
  DtlsCertificate(const DtlsCertificate&) = delete;
  DtlsCertificate& operator=(const DtlsCertificate&) = delete;

  X509* certificate() const { return certificate_; }
  EVP_PKEY* privateKey() const { return key_; }
  // "AB:CD:..." in upper case, as the a=fingerprint line carries it.
  const std::string& sha256Fingerprint() const { return fingerprint_; }

private:
  DtlsCertificate() = default;
  EVP_PKEY* key_ = nullptr;
  X509* certificate_ = nullptr;
  std::string fingerprint_;
};

// "sha-256" and the like (RFC 8122 hash names) → the colon-separated upper-case digest of a
// certificate; empty if the algorithm is unknown.
std::string certificateFingerprint(X509* certificate, const std::string& algorithm);

}  // namespace wg::dtls
