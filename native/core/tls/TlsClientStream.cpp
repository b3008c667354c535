#include "TlsClientStream.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <algorithm>

namespace wg::tls {

namespace {
constexpr size_t kMaxRecordPlaintext = 16 * 1024;  // RFC 8446 section 5.1, RFC 5246 section 6.2.1
constexpr size_t kMaxRecordOverhead = 64;          // header 5, explicit nonce 8, tag 16, type 1: rounded up
// The server's certificate list; a TURN server's chain is a few KiB.
constexpr long kMaxCertificateListBytes = 64 * 1024;

bool isIpLiteral(const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

std::string nameOf(X509* certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string out(data != nullptr && length > 0 ? std::string(data, static_cast<size_t>(length)) : "");
  BIO_free(bio);
  return out;
}
}  // namespace

const char* tlsStateName(TlsState state) {
  switch (state) {
    case TlsState::New: return "new";
    case TlsState::Connecting: return "connecting";
    case TlsState::Connected: return "connected";
    case TlsState::Closed: return "closed";
    case TlsState::Failed: return "failed";
  }
  return "new";
}

size_t TlsClientStream::maxCiphertextSize(size_t plaintextSize) {
  size_t records = std::max<size_t>(1, (plaintextSize + kMaxRecordPlaintext - 1) / kMaxRecordPlaintext);
  return plaintextSize + records * kMaxRecordOverhead;
}

TlsClientStream::TlsClientStream(std::shared_ptr<TlsClientContext> context, TlsClientSettings settings,
                                 Listener& listener)
    : context_(std::move(context)), settings_(std::move(settings)), listener_(listener), plaintext_(kMaxRecordPlaintext) {}

TlsClientStream::~TlsClientStream() {
  if (ssl_ != nullptr) SSL_free(ssl_);
}

void TlsClientStream::writeCiphertext(const uint8_t* data, size_t size) {
  stats_.ciphertextSent += size;
  listener_.onTlsSend(data, size);
}

int TlsClientStream::verifyCallback(int ok, X509_STORE_CTX* store) {
  if (ok == 1) return ok;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = ssl != nullptr ? static_cast<TlsClientStream*>(SSL_get_app_data(ssl)) : nullptr;
  X509* certificate = X509_STORE_CTX_get_current_cert(store);
  if (self != nullptr && self->rejectedCertificate_.empty() && certificate != nullptr)
    self->rejectedCertificate_ = nameOf(certificate);
  return ok;
}

void TlsClientStream::start(int64_t nowUs) {
  if (state_ != TlsState::New) return;
  state_ = TlsState::Connecting;
  startedUs_ = nowUs;
  ERR_clear_error();
  ssl_ = SSL_new(context_->sslContext());
  readBio_ = BIO_new(BIO_s_mem());
  BIO* writeBio = newTlsWriteBio(context_->writeMethod(), this);
  if (ssl_ == nullptr || readBio_ == nullptr || writeBio == nullptr) {
    BIO_free(readBio_);
    BIO_free(writeBio);
    readBio_ = nullptr;
    fail(openSslFailure("cannot create the TLS session"));
    return;
  }
  BIO_set_mem_eof_return(readBio_, -1);  // an empty read BIO means "wait for more", not EOF
  SSL_set_bio(ssl_, readBio_, writeBio);
  SSL_set_app_data(ssl_, this);
  SSL_set_max_cert_list(ssl_, kMaxCertificateListBytes);
  const std::string& name = settings_.serverName;
  bool ok = true;
  if (context_->verifyMode() != TlsVerifyMode::None) {
    SSL_set_verify(ssl_, SSL_VERIFY_PEER, &TlsClientStream::verifyCallback);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (name.empty()) ok = false;
    else if (isIpLiteral(name)) ok = X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) == 1;
    else ok = X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size()) == 1;
  }
  if (ok && !name.empty() && !isIpLiteral(name)) ok = SSL_set_tlsext_host_name(ssl_, name.c_str()) == 1;
  if (!ok) {
    fail(name.empty() ? "TLS needs the server's name to verify its certificate"
                      : openSslFailure(("cannot use '" + name + "' as the TLS server name").c_str()));
    return;
  }
  SSL_set_connect_state(ssl_);
  continueHandshake(nowUs);
}

void TlsClientStream::handleCiphertext(int64_t nowUs, const uint8_t* data, size_t size) {
  while (size > 0) {
    if (state_ != TlsState::Connecting && state_ != TlsState::Connected) {
      stats_.ciphertextIgnored += size;
      return;
    }
    size_t slice = std::min(size, kInputSliceBytes);
    BIO_write(readBio_, data, static_cast<int>(slice));
    stats_.ciphertextReceived += slice;
    data += slice;
    size -= slice;
    if (state_ == TlsState::Connecting) continueHandshake(nowUs);
    if (state_ == TlsState::Connected) readRecords();
  }
}

void TlsClientStream::continueHandshake(int64_t nowUs) {
  ERR_clear_error();
  int result = SSL_do_handshake(ssl_);
  if (result != 1) {
    int error = SSL_get_error(ssl_, result);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) fail(handshakeFailure());
    return;
  }
  state_ = TlsState::Connected;
  stats_.handshakeUs = nowUs - startedUs_;
  TlsSessionInfo info;
  info.version = SSL_get_version(ssl_);
  info.cipher = SSL_get_cipher_name(ssl_);
  info.verified = context_->verifyMode() != TlsVerifyMode::None;
  session_ = std::move(info);
  // What was written during the handshake goes first, in order.
  if (!pending_.empty()) {
    bool sent = encrypt(pending_.data(), pending_.size());
    pending_.clear();
    pending_.shrink_to_fit();
    if (!sent) return;
  }
  listener_.onTlsConnected(*session_);
}

void TlsClientStream::readRecords() {
  while (state_ == TlsState::Connected) {
    ERR_clear_error();
    int n = SSL_read(ssl_, plaintext_.data(), static_cast<int>(plaintext_.size()));
    if (n > 0) {
      stats_.plaintextReceived += static_cast<uint64_t>(n);
      listener_.onTlsPlaintext(plaintext_.data(), static_cast<size_t>(n));
      continue;
    }
    int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return;
    if (error == SSL_ERROR_ZERO_RETURN) {
      // close_notify: answered with ours (RFC 8446 section 6.1, RFC 5246 section 7.2.1).
      ERR_clear_error();
      SSL_shutdown(ssl_);
      state_ = TlsState::Closed;
      listener_.onTlsClosed();
      return;
    }
    fail(openSslFailure(("TLS connection with " + settings_.serverName + " failed").c_str()));
    return;
  }
}

bool TlsClientStream::writePlaintext(const uint8_t* data, size_t size) {
  if (state_ == TlsState::Connected) return size == 0 || encrypt(data, size);
  if ((state_ == TlsState::New || state_ == TlsState::Connecting) &&
      pending_.size() + size <= settings_.maxPendingPlaintextBytes) {
    pending_.insert(pending_.end(), data, data + size);
    return true;
  }
  ++stats_.writesRefused;
  return false;
}

bool TlsClientStream::encrypt(const uint8_t* data, size_t size) {
  ERR_clear_error();
  // Without SSL_MODE_ENABLE_PARTIAL_WRITE, SSL_write sends all or fails; the write BIO never blocks.
  int n = SSL_write(ssl_, data, static_cast<int>(size));
  if (n <= 0) {
    fail(openSslFailure(("TLS write to " + settings_.serverName + " failed").c_str()));
    return false;
  }
  stats_.plaintextSent += size;
  return true;
}

void TlsClientStream::handleEndOfStream(int64_t) {
  if (state_ == TlsState::New || state_ == TlsState::Connecting)
    fail("TLS handshake with " + settings_.serverName + " failed: the server closed the connection");
  else if (state_ == TlsState::Connected)
    fail("the TLS connection with " + settings_.serverName + " ended without close_notify (truncated)");
}

void TlsClientStream::handleTimeout(int64_t nowUs) {
  if (state_ == TlsState::Connecting && nowUs - startedUs_ >= settings_.handshakeTimeoutUs)
    fail("TLS handshake with " + settings_.serverName + " timed out after " +
         std::to_string(settings_.handshakeTimeoutUs / 1000) + " ms");
}

std::optional<int64_t> TlsClientStream::nextTimeout() const {
  if (state_ != TlsState::Connecting) return std::nullopt;
  return startedUs_ + settings_.handshakeTimeoutUs;
}

void TlsClientStream::close() {
  if (state_ == TlsState::Connected) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // writes close_notify
    ERR_clear_error();
  }
  if (state_ != TlsState::Failed) state_ = TlsState::Closed;
  pending_.clear();
}

void TlsClientStream::fail(const std::string& reason) {
  if (state_ == TlsState::Failed) return;
  state_ = TlsState::Failed;
  failure_ = reason;
  pending_.clear();
  ERR_clear_error();
  listener_.onTlsFailed(reason);
}

std::string TlsClientStream::openSslFailure(const char* what) const {
  unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  if (reason != nullptr) return std::string(what) + ": " + reason;
  if (code != 0) return std::string(what) + ": OpenSSL error " + std::to_string(code);
  return what;
}

std::string TlsClientStream::handshakeFailure() const {
  std::string what = "TLS handshake with " + settings_.serverName + " failed";
  long verify = ssl_ != nullptr ? SSL_get_verify_result(ssl_) : X509_V_OK;
  if (context_->verifyMode() == TlsVerifyMode::None || verify == X509_V_OK) return openSslFailure(what.c_str());
  // RFC 5280 path validation or RFC 6125 name check: say which, and about which certificate.
  std::string reason = what + ": certificate verify failed: " + X509_verify_cert_error_string(verify);
  if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH)
    reason += " (the certificate is not for " + settings_.serverName + ")";
  if (!rejectedCertificate_.empty()) reason += " [" + rejectedCertificate_ + "]";
  if (context_->verifyMode() == TlsVerifyMode::CaFile) reason += " (trusting only " + context_->trustSource() + ")";
  return reason;
}

}  // namespace wg::tls
