#include "HmacSha1.hpp"

#include <openssl/core_names.h>
#include <openssl/params.h>

namespace wg::srtp {

HmacSha1::~HmacSha1() {
  EVP_MAC_CTX_free(ctx_);
  EVP_MAC_free(mac_);
}

bool HmacSha1::init(const uint8_t* key, size_t keyLength) {
  mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac_ == nullptr) return false;
  ctx_ = EVP_MAC_CTX_new(mac_);
  if (ctx_ == nullptr) return false;
  char digest[] = "SHA1";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  return EVP_MAC_init(ctx_, key, keyLength, params) == 1;
}

bool HmacSha1::compute(const uint8_t* data, size_t length, const uint8_t* trailer, size_t trailerLength,
                       uint8_t out[20]) {
  size_t written = 0;
  return EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1 && EVP_MAC_update(ctx_, data, length) == 1 &&
         (trailerLength == 0 || EVP_MAC_update(ctx_, trailer, trailerLength) == 1) &&
         EVP_MAC_final(ctx_, out, &written, 20) == 1 && written == 20;
}

}  // namespace wg::srtp
