#include "TlsClientContext.hpp"

#include "TlsTrustStore.hpp"
#include "TlsWriteBio.hpp"

#include <openssl/err.h>

namespace wg::tls {

namespace {
// TLS 1.2 only with ECDHE and an AEAD (RFC 9325 section 4.2); TLS 1.3 keeps OpenSSL's suites.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string lastError(const char* what) {
  unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? std::string(what) + ": " + reason : std::string(what);
}
}  // namespace

const char* tlsVerifyModeName(TlsVerifyMode mode) {
  switch (mode) {
    case TlsVerifyMode::System: return "system";
    case TlsVerifyMode::CaFile: return "ca-file";
    case TlsVerifyMode::None: return "none";
  }
  return "system";
}

std::shared_ptr<TlsClientContext> TlsClientContext::create(const TlsVerifyConfig& config, std::string& error) {
  ERR_clear_error();
  std::shared_ptr<TlsClientContext> context(new TlsClientContext());
  context->mode_ = config.mode;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  context->ctx_ = ctx;
  context->writeMethod_ = createTlsWriteMethod();
  if (ctx == nullptr || context->writeMethod_ == nullptr) {
    error = lastError("cannot create the TLS context");
    return nullptr;
  }
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 || SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    error = lastError("cannot restrict the TLS versions and cipher suites");
    return nullptr;
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  switch (config.mode) {
    case TlsVerifyMode::System:
      context->trustSource_ = loadSystemTrust(ctx);
      ERR_clear_error();
      if (context->trustSource_.empty()) {
        error = "no system trust store was found (looked at OpenSSL's defaults " + defaultTrustPaths().certDir +
                " and " + defaultTrustPaths().certFile +
                ", and the distributions' CA bundles); give a CA file or install ca-certificates";
        return nullptr;
      }
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      break;
    case TlsVerifyMode::CaFile:
      if (config.caFile.empty() || SSL_CTX_load_verify_locations(ctx, config.caFile.c_str(), nullptr) != 1) {
        error = lastError(("cannot load the CA file '" + config.caFile + "'").c_str());
        return nullptr;
      }
      context->trustSource_ = config.caFile;
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      break;
    case TlsVerifyMode::None:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      break;
  }
  return context;
}

TlsClientContext::~TlsClientContext() {
  SSL_CTX_free(ctx_);
  if (writeMethod_ != nullptr) BIO_meth_free(writeMethod_);
}

}  // namespace wg::tls
