#include "StunMessageBuilder.hpp"

#include "StunHmac.hpp"

#include <cstring>

namespace wg::stun {

StunMessageBuilder::StunMessageBuilder(uint8_t* buffer, size_t capacity, uint16_t method, MessageClass cls,
                                       const TransactionId& transactionId)
    : buffer_(buffer), writer_(buffer, capacity), transactionId_(transactionId) {
  writer_.u16(messageType(method, cls));
  writer_.u16(0);  // length, kept current as attributes are added
  writer_.u32(kMagicCookie);
  writer_.bytes(transactionId.data(), transactionId.size());
}

void StunMessageBuilder::updateLength() {
  if (writer_.ok()) writeU16(buffer_ + 2, static_cast<uint16_t>(writer_.size() - kHeaderSize));
}

uint8_t* StunMessageBuilder::beginAttribute(uint16_t type, size_t length) {
  if (length > 0xFFFF) {
    writer_.fail();
    return nullptr;
  }
  writer_.u16(type);
  writer_.u16(static_cast<uint16_t>(length));
  size_t padded = (length + 3) & ~size_t{3};
  uint8_t* value = writer_.reserve(padded);
  if (value != nullptr) std::memset(value + length, 0, padded - length);
  updateLength();
  return value;
}

void StunMessageBuilder::addBytes(uint16_t type, const void* value, size_t length) {
  uint8_t* out = beginAttribute(type, length);
  if (out != nullptr && length > 0) std::memcpy(out, value, length);
}

void StunMessageBuilder::addU32(uint16_t type, uint32_t value) {
  if (uint8_t* out = beginAttribute(type, 4)) writeU32(out, value);
}

void StunMessageBuilder::addU64(uint16_t type, uint64_t value) {
  if (uint8_t* out = beginAttribute(type, 8)) {
    writeU32(out, static_cast<uint32_t>(value >> 32));
    writeU32(out + 4, static_cast<uint32_t>(value));
  }
}

void StunMessageBuilder::addXorAddress(uint16_t type, const net::SocketAddress& address) {
  // RFC 8489 section 14.2: port XOR the cookie's top half; IPv4 XOR the cookie; IPv6 XOR the
  // cookie followed by the transaction id.
  size_t ipLength = address.ipLength();
  if (ipLength == 0) {
    writer_.fail();
    return;
  }
  uint8_t* out = beginAttribute(type, 4 + ipLength);
  if (out == nullptr) return;
  out[0] = 0;
  out[1] = ipLength == 4 ? 0x01 : 0x02;
  writeU16(out + 2, static_cast<uint16_t>(address.port() ^ (kMagicCookie >> 16)));
  uint8_t mask[16];
  writeU32(mask, kMagicCookie);
  std::memcpy(mask + 4, transactionId_.data(), 12);
  const uint8_t* ip = address.ipBytes();
  for (size_t i = 0; i < ipLength; ++i) out[4 + i] = ip[i] ^ mask[i];
}

void StunMessageBuilder::addErrorCode(uint16_t code, std::string_view reason) {
  uint8_t* out = beginAttribute(attr::ErrorCode, 4 + reason.size());
  if (out == nullptr) return;
  out[0] = 0;
  out[1] = 0;
  out[2] = static_cast<uint8_t>(code / 100);
  out[3] = static_cast<uint8_t>(code % 100);
  std::memcpy(out + 4, reason.data(), reason.size());
}

void StunMessageBuilder::addMessageIntegrity(const uint8_t* key, size_t keySize) {
  size_t attributeOffset = writer_.size();
  uint8_t* out = beginAttribute(attr::MessageIntegrity, kMessageIntegritySize);
  if (out == nullptr) return;
  if (!computeMessageIntegrity(buffer_, attributeOffset, key, keySize, out)) writer_.fail();
}

void StunMessageBuilder::addMessageIntegritySha256(const uint8_t* key, size_t keySize) {
  size_t attributeOffset = writer_.size();
  uint8_t* out = beginAttribute(attr::MessageIntegritySha256, kMessageIntegritySha256Size);
  if (out == nullptr) return;
  if (!computeMessageIntegritySha256(buffer_, attributeOffset, kMessageIntegritySha256Size, key, keySize, out))
    writer_.fail();
}

void StunMessageBuilder::addFingerprint() {
  size_t attributeOffset = writer_.size();
  uint8_t* out = beginAttribute(attr::Fingerprint, 4);
  if (out != nullptr) writeU32(out, computeFingerprint(buffer_, attributeOffset));
}

}  // namespace wg::stun
