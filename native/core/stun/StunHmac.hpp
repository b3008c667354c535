#pragma once

#include <cstddef>
#include <cstdint>

namespace wg::stun {

// MESSAGE-INTEGRITY (RFC 8489 section 14.5): HMAC-SHA1 over the message up to the attribute,
// computed as if the header's length field ended right after the MESSAGE-INTEGRITY attribute.
// `integrityOffset` is where the attribute's type field starts. Writes 20 bytes to `out`.
bool computeMessageIntegrity(const uint8_t* message, size_t integrityOffset, const uint8_t* key, size_t keySize,
                             uint8_t out[20]);

// MESSAGE-INTEGRITY-SHA256 (RFC 8489 section 14.6): the same with HMAC-SHA256, the length
// field ending after an attribute of `integritySize` bytes (16..32, a multiple of 4); writes
// the first `integritySize` bytes of the HMAC to `out`.
bool computeMessageIntegritySha256(const uint8_t* message, size_t integrityOffset, size_t integritySize,
                                   const uint8_t* key, size_t keySize, uint8_t* out);

// FINGERPRINT (RFC 8489 section 14.7): CRC-32 of the message up to the attribute, with the
// length field covering it, XORed with 0x5354554E.
uint32_t computeFingerprint(const uint8_t* message, size_t fingerprintOffset);

}  // namespace wg::stun
