#pragma once

#include <array>
#include <cstdint>

namespace wg::stun {

// RFC 8489 section 5: every STUN message carries this value right after its length.
constexpr uint32_t kMagicCookie = 0x2112A442;
constexpr size_t kHeaderSize = 20;
// RFC 8489 section 14.7: the CRC-32 of a FINGERPRINT is XORed with this ("STUN").
constexpr uint32_t kFingerprintXor = 0x5354554E;
constexpr size_t kMessageIntegritySize = 20;  // HMAC-SHA1

using TransactionId = std::array<uint8_t, 12>;

// RFC 8489 section 5: the two class bits of the message type.
enum class MessageClass : uint8_t {
  Request = 0,
  Indication = 1,
  SuccessResponse = 2,
  ErrorResponse = 3,
};

// Methods this code knows (TURN's methods join here when relay candidates arrive).
enum class Method : uint16_t {
  Binding = 0x001,  // RFC 8489 section 18.2
};

// Attribute types (RFC 8489 section 18.3, RFC 8445 section 16.1).
namespace attr {
constexpr uint16_t MappedAddress = 0x0001;
constexpr uint16_t Username = 0x0006;
constexpr uint16_t MessageIntegrity = 0x0008;
constexpr uint16_t ErrorCode = 0x0009;
constexpr uint16_t UnknownAttributes = 0x000A;
constexpr uint16_t Realm = 0x0014;
constexpr uint16_t Nonce = 0x0015;
constexpr uint16_t MessageIntegritySha256 = 0x001C;
constexpr uint16_t XorMappedAddress = 0x0020;
constexpr uint16_t Priority = 0x0024;        // ICE: RFC 8445 section 7.1.1
constexpr uint16_t UseCandidate = 0x0025;    // ICE: RFC 8445 section 7.1.2
constexpr uint16_t Software = 0x8022;
constexpr uint16_t Fingerprint = 0x8028;
constexpr uint16_t IceControlled = 0x8029;   // ICE: RFC 8445 section 7.1.3
constexpr uint16_t IceControlling = 0x802A;  // ICE: RFC 8445 section 7.1.3
}  // namespace attr

// Error codes used by ICE (RFC 8489 section 14.8, RFC 8445 section 7.3.1.1).
namespace error {
constexpr uint16_t BadRequest = 400;
constexpr uint16_t Unauthorized = 401;
constexpr uint16_t RoleConflict = 487;
}  // namespace error

// RFC 8489 section 5: the 14-bit type interleaves the method bits with the class bits.
constexpr uint16_t messageType(uint16_t method, MessageClass cls) {
  uint16_t c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) |
                               ((c & 0x1) << 4) | ((c & 0x2) << 7));
}

}  // namespace wg::stun
