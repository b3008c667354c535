#include "AesCtrCipher.hpp"

namespace wg::srtp {

AesCtrCipher::~AesCtrCipher() { EVP_CIPHER_CTX_free(ctx_); }

bool AesCtrCipher::init(const uint8_t key[16]) {
  ctx_ = EVP_CIPHER_CTX_new();
  return ctx_ != nullptr && EVP_EncryptInit_ex(ctx_, EVP_aes_128_ctr(), nullptr, key, nullptr) == 1;
}

bool AesCtrCipher::apply(const uint8_t iv[16], uint8_t* data, size_t length) {
  // A null cipher and key keep the existing key schedule; only the counter block changes.
  if (EVP_EncryptInit_ex(ctx_, nullptr, nullptr, nullptr, iv) != 1) return false;
  int written = 0;
  return length == 0 || (EVP_EncryptUpdate(ctx_, data, &written, data, static_cast<int>(length)) == 1 &&
                         static_cast<size_t>(written) == length);
}

}  // namespace wg::srtp
