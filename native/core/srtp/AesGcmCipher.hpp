#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>

namespace wg::srtp {

// AES-128-GCM with the key schedule done once (RFC 7714); each call sets a 96-bit IV,
// authenticates `aad`, transforms the data in place and produces or checks a 16-byte tag.
class AesGcmCipher {
public:
  AesGcmCipher() = default;
  AesGcmCipher(const AesGcmCipher&) = delete;
  AesGcmCipher& operator=(const AesGcmCipher&) = delete;
  ~AesGcmCipher();

  bool init(const uint8_t key[16], bool encrypt);
  bool encrypt(const uint8_t iv[12], const uint8_t* aad, size_t aadLength, uint8_t* data, size_t length,
               uint8_t tag[16]);
  // False if the tag does not authenticate; `data` is then garbage and must be dropped.
  bool decrypt(const uint8_t iv[12], const uint8_t* aad, size_t aadLength, uint8_t* data, size_t length,
               const uint8_t tag[16]);

private:
  bool start(const uint8_t iv[12], const uint8_t* aad, size_t aadLength);
  EVP_CIPHER_CTX* ctx_ = nullptr;
  bool encrypt_ = true;
};

}  // namespace wg::srtp
