#include "SrtpSession.hpp"

#include "../common/ByteReader.hpp"
#include "../rtp/RtpHeader.hpp"

#include <openssl/crypto.h>

#include <cstring>

namespace wg::srtp {

namespace {
constexpr size_t kCmTagLength = 10;   // HMAC-SHA1-80
constexpr size_t kGcmTagLength = 16;  // RFC 7714 section 7.2
constexpr size_t kSrtcpTrailer = 4;   // E flag + 31-bit SRTCP index
constexpr size_t kRtcpHeader = 8;     // first word + sender SSRC, never encrypted
constexpr uint32_t kEncryptedFlag = 0x80000000u;
}  // namespace

std::unique_ptr<SrtpSession> SrtpSession::create(Profile profile, const uint8_t* masterKey, const uint8_t* masterSalt,
                                                 Direction direction) {
  SessionKeys rtp, rtcp;
  if (!deriveSessionKeys(profile, masterKey, masterSalt, rtp, rtcp)) return nullptr;
  return createWithSessionKeys(profile, rtp, rtcp, direction);
}

std::unique_ptr<SrtpSession> SrtpSession::createWithSessionKeys(Profile profile, const SessionKeys& rtp,
                                                                const SessionKeys& rtcp, Direction direction) {
  std::unique_ptr<SrtpSession> session(new SrtpSession(profile, direction));
  if (!session->init(rtp, rtcp)) return nullptr;
  return session;
}

bool SrtpSession::init(const SessionKeys& rtp, const SessionKeys& rtcp) {
  rtpKeys_ = rtp;
  rtcpKeys_ = rtcp;
  if (profile_ == Profile::AeadAes128Gcm) {
    bool encrypt = direction_ == Direction::Outbound;
    return rtpGcm_.init(rtp.cipherKey, encrypt) && rtcpGcm_.init(rtcp.cipherKey, encrypt);
  }
  return rtpCtr_.init(rtp.cipherKey) && rtcpCtr_.init(rtcp.cipherKey) && rtpMac_.init(rtp.authKey, 20) &&
         rtcpMac_.init(rtcp.authKey, 20);
}

SrtpStreamState* SrtpSession::stream(uint32_t ssrc, bool create) {
  if (lastStream_ != nullptr && lastSsrc_ == ssrc) return lastStream_;
  auto found = streams_.find(ssrc);
  if (found == streams_.end()) {
    if (!create || streams_.size() >= kMaxStreams) return nullptr;
    found = streams_.emplace(ssrc, SrtpStreamState{}).first;
  }
  lastSsrc_ = ssrc;
  lastStream_ = &found->second;
  return lastStream_;
}

void SrtpSession::setRolloverCounter(uint32_t ssrc, uint32_t roc) {
  if (SrtpStreamState* s = stream(ssrc, true)) s->rolloverCounter = roc;
}

void SrtpSession::setSrtcpIndex(uint32_t ssrc, uint32_t index) {
  if (SrtpStreamState* s = stream(ssrc, true)) s->nextSrtcpIndex = index & 0x7FFFFFFFu;
}

// RFC 3711 section 4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).
void SrtpSession::counterIv(const SessionKeys& keys, uint32_t ssrc, uint64_t index, uint8_t iv[16]) const {
  std::memcpy(iv, keys.salt, 14);
  iv[14] = 0;
  iv[15] = 0;
  iv[4] ^= static_cast<uint8_t>(ssrc >> 24);
  iv[5] ^= static_cast<uint8_t>(ssrc >> 16);
  iv[6] ^= static_cast<uint8_t>(ssrc >> 8);
  iv[7] ^= static_cast<uint8_t>(ssrc);
  for (int i = 0; i < 6; ++i) iv[8 + i] ^= static_cast<uint8_t>(index >> (40 - 8 * i));
}

// RFC 7714 section 8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.
void SrtpSession::gcmRtpIv(uint32_t ssrc, uint32_t roc, uint16_t seq, uint8_t iv[12]) const {
  uint8_t block[12] = {0, 0};
  writeU32(block + 2, ssrc);
  writeU32(block + 6, roc);
  writeU16(block + 10, seq);
  for (int i = 0; i < 12; ++i) iv[i] = block[i] ^ rtpKeys_.salt[i];
}

// RFC 7714 section 9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt.
void SrtpSession::gcmRtcpIv(uint32_t ssrc, uint32_t index, uint8_t iv[12]) const {
  uint8_t block[12] = {0, 0};
  writeU32(block + 2, ssrc);
  block[6] = 0;
  block[7] = 0;
  writeU32(block + 8, index & 0x7FFFFFFFu);
  for (int i = 0; i < 12; ++i) iv[i] = block[i] ^ rtcpKeys_.salt[i];
}

SrtpResult SrtpSession::protectRtp(uint8_t* packet, size_t length, size_t capacity, const rtp::RtpHeader* parsed) {
  std::optional<rtp::RtpHeader> own;
  if (!parsed) {
    own = rtp::RtpHeader::parse(packet, length, false);
    if (!own) return {SrtpStatus::Malformed, length};
  }
  const rtp::RtpHeader* header = parsed ? parsed : &*own;
  bool gcm = profile_ == Profile::AeadAes128Gcm;
  size_t tagLength = gcm ? kGcmTagLength : kCmTagLength;
  if (capacity < length || capacity - length < tagLength) return {SrtpStatus::NoRoom, length};
  SrtpStreamState* s = stream(header->ssrc, true);
  if (s == nullptr) return {SrtpStatus::TooManyStreams, length};
  // A sender's packets are in order except for retransmissions, which keep their old index.
  auto roc = s->guessRolloverCounter(header->sequenceNumber);
  if (!roc) roc = s->rolloverCounter;
  uint8_t* payload = packet + header->headerLength;
  size_t payloadLength = length - header->headerLength;

  if (gcm) {
    uint8_t iv[12];
    gcmRtpIv(header->ssrc, *roc, header->sequenceNumber, iv);
    if (!rtpGcm_.encrypt(iv, packet, header->headerLength, payload, payloadLength, packet + length))
      return {SrtpStatus::CryptoError, length};
  } else {
    uint8_t iv[16];
    counterIv(rtpKeys_, header->ssrc, SrtpStreamState::packetIndex(*roc, header->sequenceNumber), iv);
    uint8_t rocBytes[4];
    writeU32(rocBytes, *roc);
    uint8_t mac[20];
    // RFC 3711 section 4.2: the tag covers the encrypted packet followed by the ROC.
    if (!rtpCtr_.apply(iv, payload, payloadLength) || !rtpMac_.compute(packet, length, rocBytes, 4, mac))
      return {SrtpStatus::CryptoError, length};
    std::memcpy(packet + length, mac, kCmTagLength);
  }
  s->update(*roc, header->sequenceNumber);
  return {SrtpStatus::Ok, length + tagLength};
}

SrtpResult SrtpSession::unprotectRtp(uint8_t* packet, size_t length, rtp::RtpHeader* parsed) {
  bool gcm = profile_ == Profile::AeadAes128Gcm;
  size_t tagLength = gcm ? kGcmTagLength : kCmTagLength;
  if (length < rtp::RtpHeader::kFixedSize + tagLength) return {SrtpStatus::Malformed, length};
  size_t authenticated = length - tagLength;
  auto header = rtp::RtpHeader::parse(packet, authenticated, false);
  if (!header) return {SrtpStatus::Malformed, length};
  // The state is created only once the packet authenticates, so forged SSRCs cost nothing.
  SrtpStreamState fresh;
  SrtpStreamState* s = stream(header->ssrc, false);
  const SrtpStreamState& state = s != nullptr ? *s : fresh;
  auto roc = state.guessRolloverCounter(header->sequenceNumber);
  if (!roc) return {SrtpStatus::Replayed, length};
  uint64_t index = SrtpStreamState::packetIndex(*roc, header->sequenceNumber);
  if (!state.rtpWindow.check(index)) return {SrtpStatus::Replayed, length};
  uint8_t* payload = packet + header->headerLength;
  size_t payloadLength = authenticated - header->headerLength;

  if (gcm) {
    uint8_t iv[12];
    gcmRtpIv(header->ssrc, *roc, header->sequenceNumber, iv);
    if (!rtpGcm_.decrypt(iv, packet, header->headerLength, payload, payloadLength, packet + authenticated))
      return {SrtpStatus::AuthFailed, length};
  } else {
    uint8_t rocBytes[4];
    writeU32(rocBytes, *roc);
    uint8_t mac[20];
    if (!rtpMac_.compute(packet, authenticated, rocBytes, 4, mac)) return {SrtpStatus::CryptoError, length};
    if (CRYPTO_memcmp(mac, packet + authenticated, kCmTagLength) != 0) return {SrtpStatus::AuthFailed, length};
    uint8_t iv[16];
    counterIv(rtpKeys_, header->ssrc, index, iv);
    if (!rtpCtr_.apply(iv, payload, payloadLength)) return {SrtpStatus::CryptoError, length};
  }
  if (s == nullptr) {
    s = stream(header->ssrc, true);
    if (s == nullptr) return {SrtpStatus::TooManyStreams, length};
  }
  s->rtpWindow.accept(index);
  s->update(*roc, header->sequenceNumber);
  if (parsed) *parsed = *header;
  return {SrtpStatus::Ok, authenticated};
}

SrtpResult SrtpSession::protectRtcp(uint8_t* packet, size_t length, size_t capacity) {
  if (length < kRtcpHeader || (packet[0] >> 6) != 2) return {SrtpStatus::Malformed, length};
  bool gcm = profile_ == Profile::AeadAes128Gcm;
  size_t tagLength = gcm ? kGcmTagLength : kCmTagLength;
  if (capacity < length || capacity - length < tagLength + kSrtcpTrailer) return {SrtpStatus::NoRoom, length};
  uint32_t ssrc = readU32(packet + 4);
  SrtpStreamState* s = stream(ssrc, true);
  if (s == nullptr) return {SrtpStatus::TooManyStreams, length};
  uint32_t index = s->nextSrtcpIndex;
  s->nextSrtcpIndex = (index + 1) & 0x7FFFFFFFu;
  uint8_t trailer[kSrtcpTrailer];
  writeU32(trailer, kEncryptedFlag | index);
  uint8_t* body = packet + kRtcpHeader;
  size_t bodyLength = length - kRtcpHeader;

  if (gcm) {
    // RFC 7714 section 9.2: AAD is the first 8 bytes and the trailer; the tag precedes the trailer.
    uint8_t aad[kRtcpHeader + kSrtcpTrailer];
    std::memcpy(aad, packet, kRtcpHeader);
    std::memcpy(aad + kRtcpHeader, trailer, kSrtcpTrailer);
    uint8_t iv[12];
    gcmRtcpIv(ssrc, index, iv);
    if (!rtcpGcm_.encrypt(iv, aad, sizeof(aad), body, bodyLength, packet + length))
      return {SrtpStatus::CryptoError, length};
    std::memcpy(packet + length + kGcmTagLength, trailer, kSrtcpTrailer);
    return {SrtpStatus::Ok, length + kGcmTagLength + kSrtcpTrailer};
  }
  // RFC 3711 section 3.4: encrypt after the first 8 bytes, append E||index, then the tag over all.
  uint8_t iv[16];
  counterIv(rtcpKeys_, ssrc, index, iv);
  if (!rtcpCtr_.apply(iv, body, bodyLength)) return {SrtpStatus::CryptoError, length};
  std::memcpy(packet + length, trailer, kSrtcpTrailer);
  uint8_t mac[20];
  if (!rtcpMac_.compute(packet, length + kSrtcpTrailer, nullptr, 0, mac)) return {SrtpStatus::CryptoError, length};
  std::memcpy(packet + length + kSrtcpTrailer, mac, kCmTagLength);
  return {SrtpStatus::Ok, length + kSrtcpTrailer + kCmTagLength};
}

SrtpResult SrtpSession::unprotectRtcp(uint8_t* packet, size_t length) {
  bool gcm = profile_ == Profile::AeadAes128Gcm;
  size_t tagLength = gcm ? kGcmTagLength : kCmTagLength;
  if (length < kRtcpHeader + kSrtcpTrailer + tagLength || (packet[0] >> 6) != 2) return {SrtpStatus::Malformed, length};
  uint32_t ssrc = readU32(packet + 4);
  // Wire layout: AES-CM  header | body | E+index | tag;  GCM  header | body | tag | E+index.
  const uint8_t* trailer = gcm ? packet + length - kSrtcpTrailer : packet + length - tagLength - kSrtcpTrailer;
  uint32_t word = readU32(trailer);
  bool encrypted = (word & kEncryptedFlag) != 0;
  uint32_t index = word & 0x7FFFFFFFu;
  size_t plainLength = length - tagLength - kSrtcpTrailer;

  SrtpStreamState fresh;
  SrtpStreamState* s = stream(ssrc, false);
  const SrtpStreamState& state = s != nullptr ? *s : fresh;
  if (!state.srtcpWindow.check(index)) return {SrtpStatus::Replayed, length};

  uint8_t* body = packet + kRtcpHeader;
  size_t bodyLength = plainLength - kRtcpHeader;
  if (gcm) {
    uint8_t iv[12];
    gcmRtcpIv(ssrc, index, iv);
    const uint8_t* tag = packet + plainLength;
    if (encrypted) {
      uint8_t aad[kRtcpHeader + kSrtcpTrailer];
      std::memcpy(aad, packet, kRtcpHeader);
      std::memcpy(aad + kRtcpHeader, trailer, kSrtcpTrailer);
      if (!rtcpGcm_.decrypt(iv, aad, sizeof(aad), body, bodyLength, tag)) return {SrtpStatus::AuthFailed, length};
    } else {
      // RFC 7714 section 9.3: unencrypted SRTCP authenticates the whole packet as AAD.
      uint8_t aad[1500 + kSrtcpTrailer];
      if (plainLength > 1500) return {SrtpStatus::Malformed, length};
      std::memcpy(aad, packet, plainLength);
      std::memcpy(aad + plainLength, trailer, kSrtcpTrailer);
      if (!rtcpGcm_.decrypt(iv, aad, plainLength + kSrtcpTrailer, nullptr, 0, tag)) return {SrtpStatus::AuthFailed, length};
    }
  } else {
    uint8_t mac[20];
    size_t authenticated = plainLength + kSrtcpTrailer;
    if (!rtcpMac_.compute(packet, authenticated, nullptr, 0, mac)) return {SrtpStatus::CryptoError, length};
    if (CRYPTO_memcmp(mac, packet + authenticated, kCmTagLength) != 0) return {SrtpStatus::AuthFailed, length};
    if (encrypted) {
      uint8_t iv[16];
      counterIv(rtcpKeys_, ssrc, index, iv);
      if (!rtcpCtr_.apply(iv, body, bodyLength)) return {SrtpStatus::CryptoError, length};
    }
  }
  if (s == nullptr) {
    s = stream(ssrc, true);
    if (s == nullptr) return {SrtpStatus::TooManyStreams, length};
  }
  s->srtcpWindow.accept(index);
  return {SrtpStatus::Ok, plainLength};
}

}  // namespace wg::srtp
