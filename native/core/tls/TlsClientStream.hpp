#pragma once

#include "TlsClientContext.hpp"
#include "TlsWriteBio.hpp"

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wg::tls {

enum class TlsState { New, Connecting, Connected, Closed, Failed };

const char* tlsStateName(TlsState state);

struct TlsClientSettings {
  // The server's name as the user wrote it (turns:NAME): sent as SNI when it is a DNS name (RFC
  // 6066 section 3 forbids IP literals there) and the identity the certificate must carry (a DNS
  // name, or an IP address SAN for an IP literal; RFC 6125 / RFC 9525).
  std::string serverName;
  int64_t handshakeTimeoutUs = 10'000'000;
  // What writePlaintext() may queue before the handshake completes; more is refused.
  size_t maxPendingPlaintextBytes = 64 * 1024;
};

// What was negotiated, for stats and logs.
struct TlsSessionInfo {
  std::string version;  // "TLSv1.3"
  std::string cipher;   // "TLS_AES_256_GCM_SHA384"
  bool verified = false;  // the chain and name were checked (false with TlsVerifyMode::None)
};

struct TlsStreamStats {
  uint64_t ciphertextReceived = 0;  // fed to OpenSSL
  uint64_t ciphertextIgnored = 0;   // arrived after the stream closed or failed
  uint64_t ciphertextSent = 0;
  uint64_t plaintextReceived = 0;
  uint64_t plaintextSent = 0;
  uint64_t writesRefused = 0;  // writePlaintext() calls refused: pending bound, or not open
  int64_t handshakeUs = -1;    // start() to connected
};

// A TLS 1.2/1.3 client over OpenSSL memory BIOs, for a byte stream the caller moves (TURN over
// TLS, RFC 8656 section 3.1 / RFC 7065 `turns:`): ciphertext chunks from the socket and plaintext
// to send go in, ciphertext to send, plaintext received and state changes come out through the
// Listener. Chunks may split or join records anywhere.
//
// Memory is bounded without a receive queue: each chunk is consumed at once (in slices of at
// most kInputSliceBytes) and every whole record is decrypted into one reused 16 KiB buffer and
// handed on; OpenSSL refuses records over the protocol's maximum (record_overflow) and handshake
// messages over its certificate-list limit, so a peer sending garbage fails the stream instead
// of growing it. Nothing is allocated per record once the first records have passed.
class TlsClientStream : private CiphertextWriter {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // Ciphertext for the server, in order. Called from inside OpenSSL: pass the bytes on, do
    // not call back into the stream. Losing any of it breaks the stream (see maxCiphertextSize).
    virtual void onTlsSend(const uint8_t* data, size_t size) = 0;
    // The handshake completed and the certificate was accepted. May write or close.
    virtual void onTlsConnected(const TlsSessionInfo& session) = 0;
    // Decrypted bytes, at most one record's worth per call, in the stream's own buffer: they
    // may be changed in place and are not kept. May write or close.
    virtual void onTlsPlaintext(uint8_t* data, size_t size) = 0;
    // The server sent close_notify (our own close_notify has been sent in answer).
    virtual void onTlsClosed() = 0;
    // Handshake or record failure, certificate rejection, timeout, truncation. Once.
    virtual void onTlsFailed(const std::string& reason) = 0;
  };

  static constexpr size_t kInputSliceBytes = 16 * 1024;

  TlsClientStream(std::shared_ptr<TlsClientContext> context, TlsClientSettings settings, Listener& listener);
  ~TlsClientStream() override;
  TlsClientStream(const TlsClientStream&) = delete;
  TlsClientStream& operator=(const TlsClientStream&) = delete;

  // Sends the ClientHello (through onTlsSend, before returning).
  void start(int64_t nowUs);
  // Bytes the socket delivered, any size.
  void handleCiphertext(int64_t nowUs, const uint8_t* data, size_t size);
  // The socket reached end of stream (the server closed TCP): a failure unless close_notify came first.
  void handleEndOfStream(int64_t nowUs);
  // Encrypts and sends (onTlsSend) at once when connected; before that, keeps up to
  // maxPendingPlaintextBytes and sends them when the handshake completes. False (counted) when
  // refused: over that bound, closed or failed. Never partially accepted.
  bool writePlaintext(const uint8_t* data, size_t size);
  void handleTimeout(int64_t nowUs);
  // The handshake deadline while connecting.
  std::optional<int64_t> nextTimeout() const;
  // Sends close_notify when connected; no event follows. Closed afterwards.
  void close();

  TlsState state() const { return state_; }
  const std::string& serverName() const { return settings_.serverName; }
  // Set once connected.
  const std::optional<TlsSessionInfo>& session() const { return session_; }
  const std::string& failureReason() const { return failure_; }
  const TlsStreamStats& stats() const { return stats_; }

  // An upper bound of the ciphertext one writePlaintext() of `plaintextSize` bytes produces once
  // connected (records of at most 16 KiB, each with at most 64 bytes of header, nonce, tag and
  // content type for the AEAD suites allowed). A caller that may drop on a full socket queue
  // checks for this much room first: dropping ciphertext after encryption would break the stream.
  static size_t maxCiphertextSize(size_t plaintextSize);

private:
  void writeCiphertext(const uint8_t* data, size_t size) override;
  void continueHandshake(int64_t nowUs);
  void readRecords();
  bool encrypt(const uint8_t* data, size_t size);
  void fail(const std::string& reason);
  std::string handshakeFailure() const;
  std::string openSslFailure(const char* what) const;
  static int verifyCallback(int ok, X509_STORE_CTX* store);

  std::shared_ptr<TlsClientContext> context_;
  TlsClientSettings settings_;
  Listener& listener_;
  SSL* ssl_ = nullptr;
  BIO* readBio_ = nullptr;  // owned by ssl_
  TlsState state_ = TlsState::New;
  int64_t startedUs_ = 0;
  std::optional<TlsSessionInfo> session_;
  std::vector<uint8_t> plaintext_;  // one record, reused
  std::vector<uint8_t> pending_;    // written before the handshake completed
  std::string rejectedCertificate_;  // the first certificate verification complained about
  std::string failure_;
  TlsStreamStats stats_;
};

}  // namespace wg::tls
