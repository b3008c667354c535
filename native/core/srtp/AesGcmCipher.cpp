#include "AesGcmCipher.hpp"

namespace wg::srtp {

AesGcmCipher::~AesGcmCipher() { EVP_CIPHER_CTX_free(ctx_); }

bool AesGcmCipher::init(const uint8_t key[16], bool encrypt) {
  encrypt_ = encrypt;
  ctx_ = EVP_CIPHER_CTX_new();
  return ctx_ != nullptr && EVP_CipherInit_ex(ctx_, EVP_aes_128_gcm(), nullptr, key, nullptr, encrypt ? 1 : 0) == 1;
}

bool AesGcmCipher::start(const uint8_t iv[12], const uint8_t* aad, size_t aadLength) {
  int written = 0;
  return EVP_CipherInit_ex(ctx_, nullptr, nullptr, nullptr, iv, encrypt_ ? 1 : 0) == 1 &&
         (aadLength == 0 || EVP_CipherUpdate(ctx_, nullptr, &written, aad, static_cast<int>(aadLength)) == 1);
}

bool AesGcmCipher::encrypt(const uint8_t iv[12], const uint8_t* aad, size_t aadLength, uint8_t* data, size_t length,
                           uint8_t tag[16]) {
  int written = 0;
  int finalWritten = 0;
  return start(iv, aad, aadLength) &&
         (length == 0 || EVP_CipherUpdate(ctx_, data, &written, data, static_cast<int>(length)) == 1) &&
         EVP_CipherFinal_ex(ctx_, data + written, &finalWritten) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
}

bool AesGcmCipher::decrypt(const uint8_t iv[12], const uint8_t* aad, size_t aadLength, uint8_t* data, size_t length,
                           const uint8_t tag[16]) {
  int written = 0;
  int finalWritten = 0;
  return start(iv, aad, aadLength) &&
         (length == 0 || EVP_CipherUpdate(ctx_, data, &written, data, static_cast<int>(length)) == 1) &&
         EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_SET_TAG, 16, const_cast<uint8_t*>(tag)) == 1 &&
         EVP_CipherFinal_ex(ctx_, data + written, &finalWritten) == 1;
}

}  // namespace wg::srtp
