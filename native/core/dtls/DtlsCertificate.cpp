#include "DtlsCertificate.hpp"

#include "../common/Random.hpp"

#include <openssl/x509v3.h>

#include <cctype>

namespace wg::dtls {

namespace {
constexpr long kValiditySeconds = 365L * 24 * 3600;

const EVP_MD* digestFor(const std::string& algorithm) {
  std::string name;
  for (char c : algorithm) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "sha-256") return EVP_sha256();
  if (name == "sha-384") return EVP_sha384();
  if (name == "sha-512") return EVP_sha512();
  if (name == "sha-1") return EVP_sha1();
  return nullptr;
}
}  // namespace

std::string certificateFingerprint(X509* certificate, const std::string& algorithm) {
  const EVP_MD* md = digestFor(algorithm);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (md == nullptr || X509_digest(certificate, md, digest, &length) != 1) return "";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    if (i > 0) out += ':';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

std::shared_ptr<DtlsCertificate> DtlsCertificate::generate() {
  std::shared_ptr<DtlsCertificate> cert(new DtlsCertificate());
  cert->key_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  cert->certificate_ = X509_new();
  if (cert->key_ == nullptr || cert->certificate_ == nullptr) return nullptr;
  X509* x = cert->certificate_;
  CryptoRandom random;
  bool ok = X509_set_version(x, 2) == 1 &&
            ASN1_INTEGER_set(X509_get_serialNumber(x), static_cast<long>(random.u64() >> 2)) == 1 &&
            X509_gmtime_adj(X509_getm_notBefore(x), -24 * 3600) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(x), kValiditySeconds) != nullptr &&
            X509_set_pubkey(x, cert->key_) == 1;
  X509_NAME* name = X509_get_subject_name(x);
  ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                        reinterpret_cast<const unsigned char*>("webrtc-gateway"), -1, -1, 0) == 1 &&
       X509_set_issuer_name(x, name) == 1 && X509_sign(x, cert->key_, EVP_sha256()) > 0;
  if (!ok) return nullptr;
  cert->fingerprint_ = certificateFingerprint(x, "sha-256");
  return cert->fingerprint_.empty() ? nullptr : cert;
}

DtlsCertificate::~DtlsCertificate() {
  X509_free(certificate_);
  EVP_PKEY_free(key_);
}

}  // namespace wg::dtls
