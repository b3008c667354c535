#pragma once

#include <cstddef>
#include <cstdint>

namespace wg::stun {

// MESSAGE-INTEGRITY (RFC 8489 section 14.5): HMAC-SHA1 over the message up to the attribute,
// computed as if the header's length field ended right after the MESSAGE-INTEGRITY attribute.
// `integrityOffset` is where the attribute's type field starts. Writes 20 bytes to `out`.
bool computeMessageIntegrity(const uint8_t* message, size_t integrityOffset, const uint8_t* key, size_t keySize,
                             uint8_t out[20]);

// FINGERPRINT (RFC 8489 section 14.7): CRC-32 of the message up to the attribute, with the
// length field covering it, XORed with 0x5354554E.
uint32_t computeFingerprint(const uint8_t* message, size_t fingerprintOffset);

}  // namespace wg::stun
