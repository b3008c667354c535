#pragma once

#include "../common/ByteWriter.hpp"
#include "../net/SocketAddress.hpp"
#include "StunConstants.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wg::stun {

// Writes one STUN message into a caller's buffer (RFC 8489 section 5). Attributes are added
// in order; MESSAGE-INTEGRITY and FINGERPRINT, if wanted, come last and in that order.
// Nothing is allocated; if the buffer is too small, ok() turns false.
class StunMessageBuilder {
public:
  StunMessageBuilder(uint8_t* buffer, size_t capacity, uint16_t method, MessageClass cls,
                     const TransactionId& transactionId);

  void addBytes(uint16_t type, const void* value, size_t length);
  void addString(uint16_t type, std::string_view value) { addBytes(type, value.data(), value.size()); }
  void addU32(uint16_t type, uint32_t value);
  void addU64(uint16_t type, uint64_t value);
  void addFlag(uint16_t type) { addBytes(type, nullptr, 0); }
  void addXorAddress(uint16_t type, const net::SocketAddress& address);
  void addErrorCode(uint16_t code, std::string_view reason);
  void addMessageIntegrity(const uint8_t* key, size_t keySize);
  void addMessageIntegrity(std::string_view password) {
    addMessageIntegrity(reinterpret_cast<const uint8_t*>(password.data()), password.size());
  }
  // RFC 8489 section 14.6, with the whole 32-byte HMAC.
  void addMessageIntegritySha256(const uint8_t* key, size_t keySize);
  void addFingerprint();

  bool ok() const { return writer_.ok(); }
  size_t size() const { return writer_.size(); }
  const uint8_t* data() const { return buffer_; }

private:
  uint8_t* beginAttribute(uint16_t type, size_t length);
  void updateLength();

  uint8_t* buffer_;
  ByteWriter writer_;
  TransactionId transactionId_;
};

}  // namespace wg::stun
