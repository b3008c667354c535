#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>

namespace wg::srtp {

// AES-128 in counter mode with the key schedule done once; each call only sets the IV
// (RFC 3711 section 4.1.1). Not thread-safe: one per direction and stream type.
class AesCtrCipher {
public:
  AesCtrCipher() = default;
  AesCtrCipher(const AesCtrCipher&) = delete;
  AesCtrCipher& operator=(const AesCtrCipher&) = delete;
  ~AesCtrCipher();

  bool init(const uint8_t key[16]);
  // XORs `length` bytes in place with the keystream starting at `iv`.
  bool apply(const uint8_t iv[16], uint8_t* data, size_t length);

private:
  EVP_CIPHER_CTX* ctx_ = nullptr;
};

}  // namespace wg::srtp
