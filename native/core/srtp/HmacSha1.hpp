#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>

namespace wg::srtp {

// HMAC-SHA1 with the key set once (RFC 3711 section 4.2.1); later inits reuse the precomputed
// inner and outer pads, so a packet costs only its own hashing.
class HmacSha1 {
public:
  HmacSha1() = default;
  HmacSha1(const HmacSha1&) = delete;
  HmacSha1& operator=(const HmacSha1&) = delete;
  ~HmacSha1();

  bool init(const uint8_t* key, size_t keyLength);
  // MAC of `data` followed by `trailer` (SRTP appends the ROC, SRTCP nothing); writes 20 bytes.
  bool compute(const uint8_t* data, size_t length, const uint8_t* trailer, size_t trailerLength, uint8_t out[20]);

private:
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* ctx_ = nullptr;
};

}  // namespace wg::srtp
