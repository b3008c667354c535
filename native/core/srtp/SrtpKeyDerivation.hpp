#pragma once

#include "SrtpProfile.hpp"

#include <cstddef>
#include <cstdint>

namespace wg::srtp {

// Session keys for one of RTP or RTCP in one direction.
struct SessionKeys {
  uint8_t cipherKey[16] = {};
  uint8_t salt[14] = {};  // 14 bytes for AES-CM, the first 12 for GCM
  uint8_t authKey[20] = {};
};

// RFC 3711 section 4.3: key derivation labels.
enum class KeyLabel : uint8_t {
  RtpEncryption = 0x00,
  RtpAuthentication = 0x01,
  RtpSalt = 0x02,
  RtcpEncryption = 0x03,
  RtcpAuthentication = 0x04,
  RtcpSalt = 0x05,
};

// The AES-CM PRF of RFC 3711 section 4.3.3 with a key derivation rate of 0 (as DTLS-SRTP uses):
// AES-128-CTR under the master key, IV = (label << 48 XOR master salt) << 16.
// RFC 7714 section 11 reuses it for GCM, with the 12-byte salt padded with zeros.
bool deriveKey(const uint8_t masterKey[16], const uint8_t* masterSalt, size_t masterSaltLength, KeyLabel label,
               uint8_t* out, size_t outLength);

// Derives all session keys of one direction.
bool deriveSessionKeys(Profile profile, const uint8_t* masterKey, const uint8_t* masterSalt, SessionKeys& rtp,
                       SessionKeys& rtcp);

}  // namespace wg::srtp
