#include "DtlsContext.hpp"

#include "DtlsDatagramBio.hpp"

namespace wg::dtls {

namespace {
// ECDSA first (our certificate and browsers'); RSA suites for peers with RSA certificates.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA";

// The chain is self-signed by design: identity is proven by the SDP fingerprint instead,
// checked once the handshake completes.
int acceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }
}  // namespace

std::shared_ptr<DtlsContext> DtlsContext::create(std::shared_ptr<DtlsCertificate> certificate) {
  if (!certificate) return nullptr;
  std::shared_ptr<DtlsContext> context(new DtlsContext());
  context->certificate_ = std::move(certificate);
  SSL_CTX* ctx = SSL_CTX_new(DTLS_method());
  context->ctx_ = ctx;
  context->writeMethod_ = createDatagramWriteMethod();
  if (ctx == nullptr || context->writeMethod_ == nullptr) return nullptr;
  bool ok = SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) == 1 &&
            SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) == 1 &&
            SSL_CTX_use_certificate(ctx, context->certificate_->certificate()) == 1 &&
            SSL_CTX_use_PrivateKey(ctx, context->certificate_->privateKey()) == 1 &&
            SSL_CTX_check_private_key(ctx) == 1 && SSL_CTX_set_cipher_list(ctx, kCipherList) == 1 &&
            SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") == 1;
  if (!ok) return nullptr;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, acceptAnyCertificate);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_QUERY_MTU | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_read_ahead(ctx, 1);
  return context;
}

DtlsContext::~DtlsContext() {
  SSL_CTX_free(ctx_);
  if (writeMethod_ != nullptr) BIO_meth_free(writeMethod_);
}

}  // namespace wg::dtls
