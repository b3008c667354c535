#include "DtlsTransport.hpp"

#include <openssl/err.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace wg::dtls {

namespace {
constexpr long kMtu = 1200;  // leaves room for IP/UDP and TURN framing on common paths
constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";  // RFC 5764 section 4.2

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string opensslError(const char* what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return what;
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return std::string(what) + ": " + text;
}
}  // namespace

const char* dtlsStateName(DtlsState state) {
  switch (state) {
    case DtlsState::New: return "new";
    case DtlsState::Connecting: return "connecting";
    case DtlsState::Connected: return "connected";
    case DtlsState::Closed: return "closed";
    case DtlsState::Failed: return "failed";
  }
  return "new";
}

DtlsTransport::DtlsTransport(std::shared_ptr<DtlsContext> context, std::vector<srtp::Profile> profiles,
                             const DtlsTimings& timings, Listener& listener, bool srtpOptional)
    : context_(std::move(context)),
      profiles_(std::move(profiles)),
      timings_(timings),
      listener_(listener),
      srtpOptional_(srtpOptional) {}

DtlsTransport::~DtlsTransport() {
  if (ssl_ != nullptr) SSL_free(ssl_);
}

void DtlsTransport::writeDatagram(const uint8_t* data, size_t size) { listener_.onDtlsSend(data, size); }

unsigned int DtlsTransport::nextRetransmitUs(SSL* ssl, unsigned int previousUs) {
  auto* self = static_cast<DtlsTransport*>(SSL_get_app_data(ssl));
  int64_t next = previousUs == 0 ? self->timings_.initialRetransmitUs : int64_t{previousUs} * 2;
  return static_cast<unsigned int>(std::min(next, self->timings_.maxRetransmitUs));
}

void DtlsTransport::setRemoteFingerprint(const std::string& algorithm, const std::string& value) {
  remoteAlgorithm_ = algorithm;
  remoteFingerprint_ = upper(value);
  if (handshakeDone_ && state_ == DtlsState::Connecting) finishHandshake();
}

void DtlsTransport::start(int64_t nowUs, DtlsRole role) {
  if (state_ != DtlsState::New) return;
  role_ = role;
  startedUs_ = nowUs;
  state_ = DtlsState::Connecting;
  ssl_ = SSL_new(context_->sslContext());
  readBio_ = BIO_new(BIO_s_mem());
  BIO* writeBio = newDatagramWriteBio(context_->datagramWriteMethod(), this);
  if (ssl_ == nullptr || readBio_ == nullptr || writeBio == nullptr) {
    BIO_free(readBio_);
    BIO_free(writeBio);
    readBio_ = nullptr;
    fail(opensslError("cannot create the DTLS session"));
    return;
  }
  BIO_set_mem_eof_return(readBio_, -1);  // an empty read BIO means "retry", not EOF
  SSL_set_bio(ssl_, readBio_, writeBio);
  SSL_set_app_data(ssl_, this);
  DTLS_set_timer_cb(ssl_, &DtlsTransport::nextRetransmitUs);
  SSL_set_mtu(ssl_, kMtu);
  std::string srtpProfiles;
  for (srtp::Profile p : profiles_) {
    if (!srtpProfiles.empty()) srtpProfiles += ':';
    srtpProfiles += srtp::opensslName(p);
  }
  // Note the inverted convention: SSL_set_tlsext_use_srtp returns 0 on success.
  if (SSL_set_tlsext_use_srtp(ssl_, srtpProfiles.c_str()) != 0) {
    fail(opensslError("cannot offer the SRTP profiles"));
    return;
  }
  if (role == DtlsRole::Client) {
    SSL_set_connect_state(ssl_);
    continueHandshake(nowUs);
  } else {
    SSL_set_accept_state(ssl_);
    refreshDeadline(nowUs);
  }
}

void DtlsTransport::handleDatagram(int64_t nowUs, const uint8_t* data, size_t size) {
  if (ssl_ == nullptr || state_ == DtlsState::Failed || state_ == DtlsState::Closed) return;
  BIO_write(readBio_, data, static_cast<int>(size));
  if (!handshakeDone_) continueHandshake(nowUs);
  else readRecords();
  // One datagram in, one datagram processed: leftovers must not merge with the next one.
  (void)BIO_reset(readBio_);
}

void DtlsTransport::continueHandshake(int64_t nowUs) {
  int result = SSL_do_handshake(ssl_);
  if (result == 1) {
    handshakeDone_ = true;
    deadline_.reset();
    finishHandshake();
    return;
  }
  int error = SSL_get_error(ssl_, result);
  if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
    fail(opensslError("DTLS handshake failed"));
    return;
  }
  refreshDeadline(nowUs);
}

void DtlsTransport::finishHandshake() {
  if (remoteFingerprint_.empty()) return;  // setRemoteFingerprint() finishes the job
  X509* peer = SSL_get1_peer_certificate(ssl_);
  std::string actual = peer != nullptr ? certificateFingerprint(peer, remoteAlgorithm_) : "";
  X509_free(peer);
  if (actual.empty()) {
    fail("the peer's certificate is missing or its fingerprint algorithm is unsupported");
    return;
  }
  if (actual != remoteFingerprint_) {
    fail("the peer's certificate does not match the fingerprint in its SDP");
    return;
  }
  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl_);
  auto profile = selected != nullptr ? srtp::profileFromId(selected->id) : std::nullopt;
  if (!profile && selected == nullptr && srtpOptional_) {
    SrtpKeyingMaterial none;
    none.hasSrtp = false;
    state_ = DtlsState::Connected;
    listener_.onDtlsConnected(none);
    return;
  }
  if (!profile) {
    fail("no SRTP protection profile was negotiated");
    return;
  }
  srtp::ProfileParameters p = srtp::parameters(*profile);
  // RFC 5764 section 4.2: client key, server key, client salt, server salt.
  uint8_t material[2 * (16 + 14)];
  size_t total = 2 * (p.masterKeyLength + p.masterSaltLength);
  if (SSL_export_keying_material(ssl_, material, total, kExporterLabel, sizeof(kExporterLabel) - 1, nullptr, 0, 0) != 1) {
    fail(opensslError("cannot export the SRTP keys"));
    return;
  }
  const uint8_t* clientKey = material;
  const uint8_t* serverKey = material + p.masterKeyLength;
  const uint8_t* clientSalt = material + 2 * p.masterKeyLength;
  const uint8_t* serverSalt = clientSalt + p.masterSaltLength;
  bool client = role_ == DtlsRole::Client;
  SrtpKeyingMaterial keys;
  keys.profile = *profile;
  std::memcpy(keys.localKey, client ? clientKey : serverKey, p.masterKeyLength);
  std::memcpy(keys.remoteKey, client ? serverKey : clientKey, p.masterKeyLength);
  std::memcpy(keys.localSalt, client ? clientSalt : serverSalt, p.masterSaltLength);
  std::memcpy(keys.remoteSalt, client ? serverSalt : clientSalt, p.masterSaltLength);
  OPENSSL_cleanse(material, sizeof(material));
  state_ = DtlsState::Connected;
  listener_.onDtlsConnected(keys);
}

void DtlsTransport::readRecords() {
  // Past the handshake: application data (SCTP, RFC 8261) goes up whole, record by record;
  // alerts close or fail; OpenSSL answers a peer's retransmitted final flight itself.
  for (;;) {
    int n = SSL_read(ssl_, readBuffer_, sizeof(readBuffer_));
    if (n > 0) {
      if (state_ == DtlsState::Connected) listener_.onDtlsData(readBuffer_, static_cast<size_t>(n));
      continue;
    }
    int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_ZERO_RETURN) {
      state_ = DtlsState::Closed;
      listener_.onDtlsClosed();
    } else if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
      fail(opensslError("DTLS connection failed"));
    }
    return;
  }
}

void DtlsTransport::handleTimeout(int64_t nowUs) {
  if (ssl_ == nullptr || handshakeDone_ || state_ != DtlsState::Connecting) return;
  if (nowUs - startedUs_ >= timings_.handshakeTimeoutUs) {
    fail("DTLS handshake timed out");
    return;
  }
  if (!deadline_ || nowUs < *deadline_) return;
  if (DTLSv1_handle_timeout(ssl_) < 0) {
    fail(opensslError("DTLS handshake gave up after too many retransmissions"));
    return;
  }
  refreshDeadline(nowUs);
}

void DtlsTransport::refreshDeadline(int64_t nowUs) {
  if (handshakeDone_ || state_ != DtlsState::Connecting) {
    deadline_.reset();
    return;
  }
  int64_t giveUp = startedUs_ + timings_.handshakeTimeoutUs;
  timeval left{};
  if (DTLSv1_get_timeout(ssl_, &left) == 1) {
    int64_t retransmit = nowUs + int64_t{left.tv_sec} * 1000000 + left.tv_usec;
    deadline_ = std::min(retransmit, giveUp);
  } else {
    deadline_ = giveUp;
  }
}

void DtlsTransport::close() {
  if (state_ == DtlsState::Connected) SSL_shutdown(ssl_);  // writes close_notify
  if (state_ != DtlsState::Failed) state_ = DtlsState::Closed;
  deadline_.reset();
}

bool DtlsTransport::sendData(const uint8_t* data, size_t size) {
  if (state_ != DtlsState::Connected || size == 0) return false;
  return SSL_write(ssl_, data, static_cast<int>(size)) == static_cast<int>(size);
}

void DtlsTransport::fail(const std::string& reason) {
  if (state_ == DtlsState::Failed) return;
  state_ = DtlsState::Failed;
  failure_ = reason;
  deadline_.reset();
  listener_.onDtlsFailed(reason);
}

}  // namespace wg::dtls
