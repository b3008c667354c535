#pragma once

#include <cstddef>
#include <cstdint>

namespace wg {

// CRC-32 as in ISO-HDLC / IEEE 802.3 (reflected polynomial 0xEDB88320), used by the STUN
// FINGERPRINT attribute (RFC 8489 section 14.7).
uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

}  // namespace wg
