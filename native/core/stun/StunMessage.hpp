#pragma once

#include "../net/SocketAddress.hpp"
#include "StunConstants.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wg::stun {

// One attribute of a parsed message: its type and where its value lies in the message.
struct Attribute {
  uint16_t type = 0;
  uint16_t valueOffset = 0;
  uint16_t length = 0;
};

struct ErrorCodeValue {
  uint16_t code = 0;
  std::string_view reason;
};

// A STUN message parsed in place (RFC 8489 section 5 and 14): a view over the caller's bytes,
// which must outlive it. Parsing checks every length against the buffer, so accessors
// never read outside it. No allocation.
class StunMessage {
public:
  static constexpr size_t kMaxAttributes = 32;

  // nullopt unless the bytes are exactly one well-formed STUN message.
  static std::optional<StunMessage> parse(const uint8_t* data, size_t size);
  // Cheap test used by the demultiplexer (RFC 7983: first byte 0..3, then the magic cookie).
  static bool looksLikeStun(const uint8_t* data, size_t size);

  uint16_t method() const { return method_; }
  MessageClass messageClass() const { return class_; }
  const TransactionId& transactionId() const { return transactionId_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

  const Attribute* find(uint16_t type) const;
  const uint8_t* value(const Attribute& a) const { return data_ + a.valueOffset; }

  std::optional<std::string_view> username() const;
  std::optional<uint32_t> priority() const;
  bool hasUseCandidate() const { return find(attr::UseCandidate) != nullptr; }
  std::optional<uint64_t> iceControlling() const { return u64Attribute(attr::IceControlling); }
  std::optional<uint64_t> iceControlled() const { return u64Attribute(attr::IceControlled); }
  std::optional<net::SocketAddress> xorMappedAddress() const;
  std::optional<net::SocketAddress> mappedAddress() const;
  // Any XOR-encoded address attribute (XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS...).
  std::optional<net::SocketAddress> xorAddress(uint16_t type) const { return addressAttribute(type, true); }
  std::optional<uint32_t> u32Attribute(uint16_t type) const;
  std::optional<ErrorCodeValue> errorCode() const;

  bool hasMessageIntegrity() const { return integrityIndex_ >= 0; }
  // HMAC-SHA1 check of MESSAGE-INTEGRITY with a short-term password or long-term key.
  bool verifyMessageIntegrity(const uint8_t* key, size_t keySize) const;
  bool verifyMessageIntegrity(std::string_view password) const {
    return verifyMessageIntegrity(reinterpret_cast<const uint8_t*>(password.data()), password.size());
  }
  bool hasMessageIntegritySha256() const { return integritySha256Index_ >= 0; }
  bool verifyMessageIntegritySha256(const uint8_t* key, size_t keySize) const;
  bool hasFingerprint() const { return fingerprintIndex_ >= 0; }
  bool verifyFingerprint() const;

private:
  std::optional<uint64_t> u64Attribute(uint16_t type) const;
  std::optional<net::SocketAddress> addressAttribute(uint16_t type, bool xored) const;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint16_t method_ = 0;
  MessageClass class_ = MessageClass::Request;
  TransactionId transactionId_{};
  Attribute attributes_[kMaxAttributes];
  size_t attributeCount_ = 0;
  // Indices, not pointers: the message is returned by value.
  int integrityIndex_ = -1;
  int integritySha256Index_ = -1;
  int fingerprintIndex_ = -1;
};

// Decodes a (XOR-)MAPPED-ADDRESS value (RFC 8489 sections 14.1 and 14.2).
std::optional<net::SocketAddress> decodeAddress(const uint8_t* value, size_t size, bool xored,
                                                const TransactionId& transactionId);

}  // namespace wg::stun
