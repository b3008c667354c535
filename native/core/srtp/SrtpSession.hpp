#pragma once

#include "AesCtrCipher.hpp"
#include "AesGcmCipher.hpp"
#include "HmacSha1.hpp"
#include "SrtpKeyDerivation.hpp"
#include "SrtpProfile.hpp"
#include "SrtpStreamState.hpp"
#include "../rtp/RtpHeader.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace wg::srtp {

enum class SrtpStatus : uint8_t {
  Ok,
  Malformed,       // not RTP/RTCP, or lengths do not add up
  NoRoom,          // the buffer has no room for the tag (protect)
  AuthFailed,      // tag mismatch: forged, corrupted or keyed differently
  Replayed,        // seen before or older than the replay window
  TooManyStreams,  // more SSRCs than a session tracks
  CryptoError,     // OpenSSL refused an operation
};

struct SrtpResult {
  SrtpStatus status;
  size_t length;  // of the packet after the operation
  bool ok() const { return status == SrtpStatus::Ok; }
};

// One direction of an SRTP/SRTCP session (RFC 3711, RFC 7714): protects (outbound) or
// unprotects (inbound) packets in place. Cipher contexts are created once here, never per
// packet; per-SSRC state (rollover counter, replay windows, SRTCP index) is kept inside.
class SrtpSession {
public:
  enum class Direction { Outbound, Inbound };
  static constexpr size_t kMaxStreams = 4096;

  // From DTLS-exported master key and salt.
  static std::unique_ptr<SrtpSession> create(Profile profile, const uint8_t* masterKey, const uint8_t* masterSalt,
                                             Direction direction);
  // From session keys directly, as the RFC 7714 test vectors give them.
  static std::unique_ptr<SrtpSession> createWithSessionKeys(Profile profile, const SessionKeys& rtp,
                                                            const SessionKeys& rtcp, Direction direction);

  Profile profile() const { return profile_; }
  Direction direction() const { return direction_; }

  // Outbound: `capacity` must leave room for the tag (10 or 16 bytes; SRTCP 4 more).
  // `header`: the packet's, when the caller has parsed it already (the media path has).
  SrtpResult protectRtp(uint8_t* packet, size_t length, size_t capacity, const rtp::RtpHeader* header = nullptr);
  SrtpResult protectRtcp(uint8_t* packet, size_t length, size_t capacity);
  // Inbound.
  // `header`, when given, receives the packet's header for the caller (its padding, encrypted
  // here, is not read: RtpHeader::readPadding).
  SrtpResult unprotectRtp(uint8_t* packet, size_t length, rtp::RtpHeader* header = nullptr);
  SrtpResult unprotectRtcp(uint8_t* packet, size_t length);

  // For tests: start an SSRC at a given rollover counter / SRTCP index.
  void setRolloverCounter(uint32_t ssrc, uint32_t roc);
  void setSrtcpIndex(uint32_t ssrc, uint32_t index);
  size_t streamCount() const { return streams_.size(); }

private:
  SrtpSession(Profile profile, Direction direction) : profile_(profile), direction_(direction) {}
  bool init(const SessionKeys& rtp, const SessionKeys& rtcp);
  SrtpStreamState* stream(uint32_t ssrc, bool create);

  void counterIv(const SessionKeys& keys, uint32_t ssrc, uint64_t index, uint8_t iv[16]) const;
  void gcmRtpIv(uint32_t ssrc, uint32_t roc, uint16_t seq, uint8_t iv[12]) const;
  void gcmRtcpIv(uint32_t ssrc, uint32_t index, uint8_t iv[12]) const;

  Profile profile_;
  Direction direction_;
  SessionKeys rtpKeys_;
  SessionKeys rtcpKeys_;
  // AES-CM + HMAC-SHA1
  AesCtrCipher rtpCtr_;
  AesCtrCipher rtcpCtr_;
  HmacSha1 rtpMac_;
  HmacSha1 rtcpMac_;
  // AEAD
  AesGcmCipher rtpGcm_;
  AesGcmCipher rtcpGcm_;

  std::unordered_map<uint32_t, SrtpStreamState> streams_;
  uint32_t lastSsrc_ = 0;
  SrtpStreamState* lastStream_ = nullptr;
};

}  // namespace wg::srtp
