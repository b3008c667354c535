#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace wg::stun {

// RFC 8489 section 5: every STUN message carries this value right after its length.
constexpr uint32_t kMagicCookie = 0x2112A442;
constexpr size_t kHeaderSize = 20;
// RFC 8489 section 14.7: the CRC-32 of a FINGERPRINT is XORed with this ("STUN").
constexpr uint32_t kFingerprintXor = 0x5354554E;
constexpr size_t kMessageIntegritySize = 20;  // HMAC-SHA1
constexpr size_t kMessageIntegritySha256Size = 32;  // HMAC-SHA256, untruncated (RFC 8489 section 14.6)

using TransactionId = std::array<uint8_t, 12>;

// RFC 8489 section 5: the two class bits of the message type.
enum class MessageClass : uint8_t {
  Request = 0,
  Indication = 1,
  SuccessResponse = 2,
  ErrorResponse = 3,
};

// Methods this code knows.
enum class Method : uint16_t {
  Binding = 0x001,           // RFC 8489 section 18.2
  Allocate = 0x003,          // TURN: RFC 8656 section 7
  Refresh = 0x004,           // TURN: RFC 8656 section 8
  Send = 0x006,              // TURN: RFC 8656 section 11.2 (indication only)
  Data = 0x007,              // TURN: RFC 8656 section 11.4 (indication only)
  CreatePermission = 0x008,  // TURN: RFC 8656 section 10
  ChannelBind = 0x009,       // TURN: RFC 8656 section 12
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
constexpr uint16_t PasswordAlgorithm = 0x001D;   // RFC 8489 section 14.12
constexpr uint16_t Userhash = 0x001E;            // RFC 8489 section 14.4
constexpr uint16_t PasswordAlgorithms = 0x8002;  // RFC 8489 section 14.11
constexpr uint16_t AlternateServer = 0x8023;     // RFC 8489 section 14.15
// TURN (RFC 8656 section 18).
constexpr uint16_t ChannelNumber = 0x000C;
constexpr uint16_t Lifetime = 0x000D;
constexpr uint16_t XorPeerAddress = 0x0012;
constexpr uint16_t Data = 0x0013;
constexpr uint16_t XorRelayedAddress = 0x0016;
constexpr uint16_t RequestedAddressFamily = 0x0017;
constexpr uint16_t EvenPort = 0x0018;
constexpr uint16_t RequestedTransport = 0x0019;
constexpr uint16_t DontFragment = 0x001A;
constexpr uint16_t ReservationToken = 0x0022;
}  // namespace attr

// PASSWORD-ALGORITHM values (RFC 8489 section 18.5).
namespace password_algorithm {
constexpr uint16_t Md5 = 0x0001;
constexpr uint16_t Sha256 = 0x0002;
}  // namespace password_algorithm

// RFC 8489 section 9.2: a NONCE starting with this "nonce cookie" carries 4 base64 characters
// of STUN security feature bits after it.
constexpr char kNonceCookie[] = "obMatJos2";

// Error codes (RFC 8489 section 14.8, RFC 8445 section 7.3.1.1, RFC 8656 section 19).
namespace error {
constexpr uint16_t TryAlternate = 300;
constexpr uint16_t BadRequest = 400;
constexpr uint16_t Unauthorized = 401;
constexpr uint16_t Forbidden = 403;                      // TURN: e.g. a peer address the server refuses
constexpr uint16_t UnknownAttribute = 420;
constexpr uint16_t AllocationMismatch = 437;             // TURN: no allocation on this 5-tuple (or one already)
constexpr uint16_t StaleNonce = 438;
constexpr uint16_t AddressFamilyNotSupported = 440;      // TURN
constexpr uint16_t WrongCredentials = 441;               // TURN: not the allocation's credentials
constexpr uint16_t UnsupportedTransportProtocol = 442;   // TURN
constexpr uint16_t PeerAddressFamilyMismatch = 443;      // TURN
constexpr uint16_t AllocationQuotaReached = 486;         // TURN
constexpr uint16_t RoleConflict = 487;
constexpr uint16_t ServerError = 500;
constexpr uint16_t InsufficientCapacity = 508;           // TURN
}  // namespace error

// RFC 8489 section 5: the 14-bit type interleaves the method bits with the class bits.
constexpr uint16_t messageType(uint16_t method, MessageClass cls) {
  uint16_t c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) |
                               ((c & 0x1) << 4) | ((c & 0x2) << 7));
}

}  // namespace wg::stun
