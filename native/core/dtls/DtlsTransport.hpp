#pragma once

#include "../srtp/SrtpProfile.hpp"
#include "DtlsContext.hpp"
#include "DtlsDatagramBio.hpp"

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wg::dtls {

enum class DtlsRole { Client, Server };
enum class DtlsState { New, Connecting, Connected, Closed, Failed };

const char* dtlsStateName(DtlsState state);

// What DTLS-SRTP hands to SRTP (RFC 5764 section 4.2): the negotiated profile and the
// master keys and salts of both directions.
struct SrtpKeyingMaterial {
  srtp::Profile profile = srtp::Profile::AeadAes128Gcm;
  uint8_t localKey[16] = {};
  uint8_t localSalt[14] = {};
  uint8_t remoteKey[16] = {};
  uint8_t remoteSalt[14] = {};
  // False when the peer negotiated no SRTP profile and the transport allows that (data channels only).
  bool hasSrtp = true;
};

struct DtlsTimings {
  int64_t initialRetransmitUs = 200'000;  // first flight retransmission (RFC 6347 suggests 1 s)
  int64_t maxRetransmitUs = 3'200'000;    // doubling stops here
  int64_t handshakeTimeoutUs = 30'000'000;
};

// DTLS 1.2 for DTLS-SRTP (RFC 5764) on OpenSSL with memory BIOs: datagrams and time go in,
// datagrams, keying material and state changes come out through the Listener.
//
// Time: retransmissions follow OpenSSL's own timer, which reads the wall clock; our deadline is
// derived from it (DTLSv1_get_timeout) and handleTimeout() asks OpenSSL to act. In production
// the monotonic time given here and the wall clock advance together. A simulation that runs
// faster than real time must let real time pass before a DTLS retransmission is due.
class DtlsTransport : private DatagramWriter {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    virtual void onDtlsSend(const uint8_t* data, size_t size) = 0;
    virtual void onDtlsConnected(const SrtpKeyingMaterial& keys) = 0;
    // DTLS application data from the peer (SCTP packets, RFC 8261); the buffer is not kept.
    virtual void onDtlsData(const uint8_t* data, size_t size) { (void)data, (void)size; }
    // The peer sent close_notify.
    virtual void onDtlsClosed() = 0;
    virtual void onDtlsFailed(const std::string& reason) = 0;
  };

  DtlsTransport(std::shared_ptr<DtlsContext> context, std::vector<srtp::Profile> profiles, const DtlsTimings& timings,
                Listener& listener, bool srtpOptional = false);
  ~DtlsTransport() override;
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // The remote fingerprint (a=fingerprint); verification waits for it if the handshake is first.
  void setRemoteFingerprint(const std::string& algorithm, const std::string& value);
  // Begins the handshake in the role a=setup gave us; a client sends its ClientHello now.
  void start(int64_t nowUs, DtlsRole role);
  void handleDatagram(int64_t nowUs, const uint8_t* data, size_t size);
  void handleTimeout(int64_t nowUs);
  std::optional<int64_t> nextTimeout() const { return deadline_; }
  // Sends close_notify if connected. The transport is Closed afterwards.
  void close();
  // One record of application data (an SCTP packet, RFC 8261); false when not connected or refused.
  bool sendData(const uint8_t* data, size_t size);

  DtlsState state() const { return state_; }
  std::optional<DtlsRole> role() const { return role_; }
  const std::string& failureReason() const { return failure_; }

private:
  void writeDatagram(const uint8_t* data, size_t size) override;
  void continueHandshake(int64_t nowUs);
  void finishHandshake();
  void readRecords();
  void refreshDeadline(int64_t nowUs);
  void fail(const std::string& reason);
  static unsigned int nextRetransmitUs(SSL* ssl, unsigned int previousUs);

  std::shared_ptr<DtlsContext> context_;
  std::vector<srtp::Profile> profiles_;
  DtlsTimings timings_;
  Listener& listener_;
  SSL* ssl_ = nullptr;
  BIO* readBio_ = nullptr;  // owned by ssl_
  DtlsState state_ = DtlsState::New;
  std::optional<DtlsRole> role_;
  std::string remoteAlgorithm_;
  std::string remoteFingerprint_;
  bool srtpOptional_ = false;  // data channels without media: no use_srtp is fine
  uint8_t readBuffer_[16384];  // one whole DTLS record
  bool handshakeDone_ = false;  // OpenSSL finished; fingerprint may still be pending
  int64_t startedUs_ = 0;
  std::optional<int64_t> deadline_;
  std::string failure_;
};

}  // namespace wg::dtls
