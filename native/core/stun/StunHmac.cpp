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

bool computeMessageIntegrity(const uint8_t* message, size_t integrityOffset, const uint8_t* key, size_t keySize,
                             uint8_t out[20]) {
  uint8_t header[kHeaderSize];
  patchedHeader(message, integrityOffset, 4 + kMessageIntegritySize, header);
  // The HMAC input is the patched header followed by the attributes before MESSAGE-INTEGRITY;
  // both go through one stack buffer so the one-shot HMAC() can be used.
  uint8_t input[2048];
  if (integrityOffset > sizeof(input)) return false;
  std::memcpy(input, header, kHeaderSize);
  std::memcpy(input + kHeaderSize, message + kHeaderSize, integrityOffset - kHeaderSize);
  unsigned int length = 0;
  return HMAC(EVP_sha1(), key, static_cast<int>(keySize), input, integrityOffset, out, &length) != nullptr &&
         length == kMessageIntegritySize;
}

uint32_t computeFingerprint(const uint8_t* message, size_t fingerprintOffset) {
  uint8_t header[kHeaderSize];
  patchedHeader(message, fingerprintOffset, 8, header);
  uint32_t crc = crc32(header, kHeaderSize);
  crc = crc32(message + kHeaderSize, fingerprintOffset - kHeaderSize, crc);
  return crc ^ kFingerprintXor;
}

}  // namespace wg::stun
