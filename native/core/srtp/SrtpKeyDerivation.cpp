#include "SrtpKeyDerivation.hpp"

#include <openssl/evp.h>

#include <cstring>
#include <memory>

namespace wg::srtp {

bool deriveKey(const uint8_t masterKey[16], const uint8_t* masterSalt, size_t masterSaltLength, KeyLabel label,
               uint8_t* out, size_t outLength) {
  // x = key_id XOR master_salt, key_id = label || r (r = 0 with kdr 0) placed in the 7th byte
  // of the 14-byte value; the 128-bit IV is x * 2^16.
  uint8_t iv[16] = {};
  std::memcpy(iv, masterSalt, masterSaltLength > 14 ? 14 : masterSaltLength);
  iv[7] ^= static_cast<uint8_t>(label);
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ctr(), nullptr, masterKey, iv) != 1) return false;
  std::memset(out, 0, outLength);
  int written = 0;
  return EVP_EncryptUpdate(ctx.get(), out, &written, out, static_cast<int>(outLength)) == 1 &&
         static_cast<size_t>(written) == outLength;
}

bool deriveSessionKeys(Profile profile, const uint8_t* masterKey, const uint8_t* masterSalt, SessionKeys& rtp,
                       SessionKeys& rtcp) {
  ProfileParameters p = parameters(profile);
  bool ok = deriveKey(masterKey, masterSalt, p.masterSaltLength, KeyLabel::RtpEncryption, rtp.cipherKey, 16) &&
            deriveKey(masterKey, masterSalt, p.masterSaltLength, KeyLabel::RtpSalt, rtp.salt, p.sessionSaltLength) &&
            deriveKey(masterKey, masterSalt, p.masterSaltLength, KeyLabel::RtcpEncryption, rtcp.cipherKey, 16) &&
            deriveKey(masterKey, masterSalt, p.masterSaltLength, KeyLabel::RtcpSalt, rtcp.salt, p.sessionSaltLength);
  if (ok && p.authKeyLength > 0) {
    ok = deriveKey(masterKey, masterSalt, p.masterSaltLength, KeyLabel::RtpAuthentication, rtp.authKey,
                   p.authKeyLength) &&
         deriveKey(masterKey, masterSalt, p.masterSaltLength, KeyLabel::RtcpAuthentication, rtcp.authKey,
                   p.authKeyLength);
  }
  return ok;
}

}  // namespace wg::srtp
