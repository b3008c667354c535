#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wg::srtp {

// DTLS-SRTP protection profiles (RFC 5764 section 4.1.2, RFC 7714 section 14.2); the values
// are the profile ids negotiated in the use_srtp extension.
enum class Profile : uint16_t {
  Aes128CmHmacSha1_80 = 0x0001,  // RFC 3711: AES-128 counter mode, HMAC-SHA1 tag of 80 bits
  AeadAes128Gcm = 0x0007,        // RFC 7714: AES-128-GCM, 128-bit tag
};

struct ProfileParameters {
  size_t masterKeyLength;
  size_t masterSaltLength;
  size_t sessionSaltLength;
  size_t authKeyLength;  // 0 for AEAD
  size_t tagLength;
};

constexpr ProfileParameters parameters(Profile p) {
  return p == Profile::AeadAes128Gcm ? ProfileParameters{16, 12, 12, 0, 16} : ProfileParameters{16, 14, 14, 20, 10};
}

// Room a caller leaves after a packet so that it can be protected in place: the largest tag
// (16 bytes, RFC 7714) plus the SRTCP index (4 bytes, RFC 3711 section 3.4), rounded up.
constexpr size_t kProtectHeadroom = 64;

// The names OpenSSL's SSL_CTX_set_tlsext_use_srtp() takes.
constexpr std::string_view opensslName(Profile p) {
  return p == Profile::AeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_SHA1_80";
}

// The names used in our API and logs ("AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80", as in SDES).
constexpr std::string_view profileName(Profile p) {
  return p == Profile::AeadAes128Gcm ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80";
}

inline std::optional<Profile> profileFromName(std::string_view name) {
  if (name == "AEAD_AES_128_GCM") return Profile::AeadAes128Gcm;
  if (name == "AES_CM_128_HMAC_SHA1_80") return Profile::Aes128CmHmacSha1_80;
  return std::nullopt;
}

inline std::optional<Profile> profileFromId(unsigned long id) {
  if (id == 0x0001) return Profile::Aes128CmHmacSha1_80;
  if (id == 0x0007) return Profile::AeadAes128Gcm;
  return std::nullopt;
}

}  // namespace wg::srtp
