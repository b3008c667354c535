#include "TurnCredentials.hpp"

#include "../common/ByteReader.hpp"

#include <openssl/evp.h>

#include <cstring>

namespace wg::turn {

size_t longTermKey(PasswordAlgorithm algorithm, std::string_view username, std::string_view realm,
                   std::string_view password, uint8_t out[32]) {
  const EVP_MD* md = algorithm == PasswordAlgorithm::Sha256 ? EVP_sha256() : EVP_md5();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return 0;
  unsigned int length = 0;
  bool ok = EVP_DigestInit_ex(ctx, md, nullptr) == 1 && EVP_DigestUpdate(ctx, username.data(), username.size()) == 1 &&
            EVP_DigestUpdate(ctx, ":", 1) == 1 && EVP_DigestUpdate(ctx, realm.data(), realm.size()) == 1 &&
            EVP_DigestUpdate(ctx, ":", 1) == 1 && EVP_DigestUpdate(ctx, password.data(), password.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, out, &length) == 1;
  EVP_MD_CTX_free(ctx);
  return ok ? length : 0;
}

namespace {
std::string_view stringValue(const stun::StunMessage& m, uint16_t type, size_t maxLength) {
  const stun::Attribute* a = m.find(type);
  if (a == nullptr || a->length > maxLength) return {};
  return std::string_view(reinterpret_cast<const char*>(m.value(*a)), a->length);
}

// RFC 8489 section 9.2: "obMatJos2" then 4 base64 characters of 24 feature bits; bit 0, the
// most significant, is "Password algorithms".
bool nonceAsksForPasswordAlgorithms(std::string_view nonce) {
  constexpr size_t cookie = sizeof(stun::kNonceCookie) - 1;
  if (nonce.size() < cookie + 4 || nonce.substr(0, cookie) != stun::kNonceCookie) return false;
  char first = nonce[cookie];
  int sextet = first >= 'A' && first <= 'Z'   ? first - 'A'
               : first >= 'a' && first <= 'z' ? first - 'a' + 26
               : first >= '0' && first <= '9' ? first - '0' + 52
               : first == '+'                 ? 62
               : first == '/'                 ? 63
                                              : 0;
  return (sextet & 0x20) != 0;
}
}  // namespace

bool TurnCredentials::learnChallenge(const stun::StunMessage& challenge) {
  // RFC 8489 sections 14.9 and 14.10: REALM and NONCE are under 128 characters (763 bytes).
  std::string_view realm = stringValue(challenge, stun::attr::Realm, 763);
  std::string_view nonce = stringValue(challenge, stun::attr::Nonce, 763);
  if (nonce.empty() || (realm.empty() && realm_.empty())) return false;
  if (!realm.empty()) realm_.assign(realm);
  nonce_.assign(nonce);

  // RFC 8489 section 14.11: PASSWORD-ALGORITHMS lists (algorithm u16, parameters length u16,
  // parameters padded to 4) entries. SHA-256 whenever offered, MD5 otherwise.
  const stun::Attribute* offered = challenge.find(stun::attr::PasswordAlgorithms);
  if (offered == nullptr && nonceAsksForPasswordAlgorithms(nonce)) return false;  // section 9.2.5
  if (offered != nullptr) {
    const uint8_t* v = challenge.value(*offered);
    size_t size = offered->length;
    bool md5 = false;
    bool sha256 = false;
    for (size_t at = 0; at + 4 <= size;) {
      uint16_t id = readU16(v + at);
      md5 |= id == stun::password_algorithm::Md5;
      sha256 |= id == stun::password_algorithm::Sha256;
      at += 4 + ((readU16(v + at + 2) + 3u) & ~3u);
    }
    bool chosen = md5 || sha256;
    algorithm_ = sha256 ? PasswordAlgorithm::Sha256 : PasswordAlgorithm::Md5;
    if (!chosen) return false;
    offeredAlgorithms_.assign(reinterpret_cast<const char*>(v), size);
  } else {
    offeredAlgorithms_.clear();
    algorithm_ = PasswordAlgorithm::Md5;
  }
  keySize_ = longTermKey(algorithm_, username_, realm_, password_, key_.data());
  return keySize_ > 0;
}

void TurnCredentials::addAttributes(stun::StunMessageBuilder& b) const {
  b.addString(stun::attr::Username, username_);
  b.addString(stun::attr::Realm, realm_);
  b.addString(stun::attr::Nonce, nonce_);
  if (!offeredAlgorithms_.empty()) {
    b.addString(stun::attr::PasswordAlgorithms, offeredAlgorithms_);
    uint8_t chosen[4];
    writeU16(chosen, algorithm_ == PasswordAlgorithm::Sha256 ? stun::password_algorithm::Sha256
                                                             : stun::password_algorithm::Md5);
    writeU16(chosen + 2, 0);  // no parameters
    b.addBytes(stun::attr::PasswordAlgorithm, chosen, sizeof chosen);
  }
}

void TurnCredentials::sign(stun::StunMessageBuilder& b) const {
  if (!offeredAlgorithms_.empty()) b.addMessageIntegritySha256(key_.data(), keySize_);
  else b.addMessageIntegrity(key_.data(), keySize_);
}

bool TurnCredentials::verify(const stun::StunMessage& response) const {
  if (keySize_ == 0) return false;
  if (response.hasMessageIntegritySha256()) return response.verifyMessageIntegritySha256(key_.data(), keySize_);
  return response.hasMessageIntegrity() && response.verifyMessageIntegrity(key_.data(), keySize_);
}

}  // namespace wg::turn
