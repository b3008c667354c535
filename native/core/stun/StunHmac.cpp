#include "StunHmac.hpp"

#include "../common/ByteReader.hpp"
#include "../common/Crc32.hpp"
#include "StunConstants.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>

namespace wg::stun {

namespace {
// The header with its length field rewritten to end `trailerSize` bytes after `offset`.
void patchedHeader(const uint8_t* message, size_t offset, size_t trailerSize, uint8_t out[kHeaderSize]) {
  std::memcpy(out, message, kHeaderSize);
  writeU16(out + 2, static_cast<uint16_t>(offset + trailerSize - kHeaderSize));
}
}  // namespace

namespace {
// The HMAC input is the header, its length patched to end after the integrity attribute,
// followed by the attributes before that attribute; both go through one stack buffer so the
// one-shot HMAC() can be used.
bool integrityHmac(const EVP_MD* digest, const uint8_t* message, size_t integrityOffset, size_t integritySize,
                   const uint8_t* key, size_t keySize, uint8_t* out, unsigned int* outLength) {
  uint8_t input[2048];
  if (integrityOffset > sizeof(input) || integrityOffset < kHeaderSize) return false;
  patchedHeader(message, integrityOffset, 4 + integritySize, input);
  std::memcpy(input + kHeaderSize, message + kHeaderSize, integrityOffset - kHeaderSize);
  return HMAC(digest, key, static_cast<int>(keySize), input, integrityOffset, out, outLength) != nullptr;
}
}  // namespace

bool computeMessageIntegrity(const uint8_t* message, size_t integrityOffset, const uint8_t* key, size_t keySize,
                             uint8_t out[20]) {
  unsigned int length = 0;
  return integrityHmac(EVP_sha1(), message, integrityOffset, kMessageIntegritySize, key, keySize, out, &length) &&
         length == kMessageIntegritySize;
}

bool computeMessageIntegritySha256(const uint8_t* message, size_t integrityOffset, size_t integritySize,
                                   const uint8_t* key, size_t keySize, uint8_t* out) {
  if (integritySize < 16 || integritySize > kMessageIntegritySha256Size || integritySize % 4 != 0) return false;
  uint8_t full[kMessageIntegritySha256Size];
  unsigned int length = 0;
  if (!integrityHmac(EVP_sha256(), message, integrityOffset, integritySize, key, keySize, full, &length) ||
      length != kMessageIntegritySha256Size)
    return false;
  std::memcpy(out, full, integritySize);
  return true;
}

uint32_t computeFingerprint(const uint8_t* message, size_t fingerprintOffset) {
  uint8_t header[kHeaderSize];
  patchedHeader(message, fingerprintOffset, 8, header);
  uint32_t crc = crc32(header, kHeaderSize);
  crc = crc32(message + kHeaderSize, fingerprintOffset - kHeaderSize, crc);
  return crc ^ kFingerprintXor;
}

}  // namespace wg::stun
