#include "StunMessage.hpp"

#include "../common/ByteReader.hpp"
#include "StunHmac.hpp"

#include <openssl/crypto.h>

#include <cstring>

namespace wg::stun {

bool StunMessage::looksLikeStun(const uint8_t* data, size_t size) {
  return size >= kHeaderSize && (data[0] & 0xC0) == 0 && readU32(data + 4) == kMagicCookie;
}

std::optional<StunMessage> StunMessage::parse(const uint8_t* data, size_t size) {
  if (!looksLikeStun(data, size)) return std::nullopt;
  uint16_t type = readU16(data);
  uint16_t length = readU16(data + 2);
  // RFC 8489 section 5: the length excludes the header and is a multiple of 4; a datagram
  // holds exactly one message.
  if (length % 4 != 0 || kHeaderSize + length != size) return std::nullopt;

  StunMessage m;
  m.data_ = data;
  m.size_ = size;
  m.method_ = static_cast<uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
  m.class_ = static_cast<MessageClass>(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
  std::memcpy(m.transactionId_.data(), data + 8, 12);

  size_t offset = kHeaderSize;
  while (offset < size) {
    if (size - offset < 4) return std::nullopt;
    uint16_t attrType = readU16(data + offset);
    uint16_t attrLength = readU16(data + offset + 2);
    size_t padded = (attrLength + 3u) & ~3u;
    if (padded > size - offset - 4) return std::nullopt;
    // RFC 8489 section 9: after MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
    // count, after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT; the rest is ignored. FINGERPRINT is last.
    if (m.fingerprintIndex_ >= 0) return std::nullopt;
    bool record = attrType == attr::Fingerprint ||
                  (m.integritySha256Index_ < 0 && (m.integrityIndex_ < 0 || attrType == attr::MessageIntegritySha256));
    if (record) {
      if (m.attributeCount_ == kMaxAttributes) return std::nullopt;
      Attribute& a = m.attributes_[m.attributeCount_++];
      a.type = attrType;
      a.valueOffset = static_cast<uint16_t>(offset + 4);
      a.length = attrLength;
      int index = static_cast<int>(m.attributeCount_ - 1);
      if (attrType == attr::MessageIntegrity) {
        if (attrLength != kMessageIntegritySize) return std::nullopt;
        m.integrityIndex_ = index;
      } else if (attrType == attr::MessageIntegritySha256) {
        if (attrLength < 16 || attrLength > kMessageIntegritySha256Size || attrLength % 4 != 0) return std::nullopt;
        m.integritySha256Index_ = index;
      } else if (attrType == attr::Fingerprint) {
        if (attrLength != 4) return std::nullopt;
        m.fingerprintIndex_ = index;
      }
    }
    offset += 4 + padded;
  }
  return m;
}

const Attribute* StunMessage::find(uint16_t type) const {
  for (size_t i = 0; i < attributeCount_; ++i) {
    if (attributes_[i].type == type) return &attributes_[i];
  }
  return nullptr;
}

std::optional<std::string_view> StunMessage::username() const {
  const Attribute* a = find(attr::Username);
  // RFC 8489 section 14.3: at most 509 bytes.
  if (a == nullptr || a->length > 509) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(value(*a)), a->length);
}

std::optional<uint32_t> StunMessage::priority() const {
  const Attribute* a = find(attr::Priority);
  if (a == nullptr || a->length != 4) return std::nullopt;
  return readU32(value(*a));
}

std::optional<uint32_t> StunMessage::u32Attribute(uint16_t type) const {
  const Attribute* a = find(type);
  if (a == nullptr || a->length != 4) return std::nullopt;
  return readU32(value(*a));
}

std::optional<uint64_t> StunMessage::u64Attribute(uint16_t type) const {
  const Attribute* a = find(type);
  if (a == nullptr || a->length != 8) return std::nullopt;
  return (uint64_t{readU32(value(*a))} << 32) | readU32(value(*a) + 4);
}

std::optional<net::SocketAddress> StunMessage::addressAttribute(uint16_t type, bool xored) const {
  const Attribute* a = find(type);
  if (a == nullptr) return std::nullopt;
  return decodeAddress(value(*a), a->length, xored, transactionId_);
}

std::optional<net::SocketAddress> StunMessage::xorMappedAddress() const {
  return addressAttribute(attr::XorMappedAddress, true);
}

std::optional<net::SocketAddress> StunMessage::mappedAddress() const {
  return addressAttribute(attr::MappedAddress, false);
}

std::optional<ErrorCodeValue> StunMessage::errorCode() const {
  const Attribute* a = find(attr::ErrorCode);
  // RFC 8489 section 14.8: 21 reserved bits, class (3..6) and number (0..99), then a reason.
  if (a == nullptr || a->length < 4) return std::nullopt;
  const uint8_t* v = value(*a);
  uint8_t cls = v[2] & 0x07;
  uint8_t number = v[3];
  if (cls < 3 || cls > 6 || number > 99) return std::nullopt;
  return ErrorCodeValue{static_cast<uint16_t>(cls * 100 + number),
                        std::string_view(reinterpret_cast<const char*>(v + 4), a->length - 4u)};
}

bool StunMessage::verifyMessageIntegrity(const uint8_t* key, size_t keySize) const {
  if (integrityIndex_ < 0) return false;
  const Attribute& integrity = attributes_[integrityIndex_];
  uint8_t expected[kMessageIntegritySize];
  if (!computeMessageIntegrity(data_, integrity.valueOffset - 4u, key, keySize, expected)) return false;
  return CRYPTO_memcmp(expected, value(integrity), kMessageIntegritySize) == 0;
}

bool StunMessage::verifyMessageIntegritySha256(const uint8_t* key, size_t keySize) const {
  if (integritySha256Index_ < 0) return false;
  const Attribute& integrity = attributes_[integritySha256Index_];
  uint8_t expected[kMessageIntegritySha256Size];
  if (!computeMessageIntegritySha256(data_, integrity.valueOffset - 4u, integrity.length, key, keySize, expected))
    return false;
  return CRYPTO_memcmp(expected, value(integrity), integrity.length) == 0;
}

bool StunMessage::verifyFingerprint() const {
  if (fingerprintIndex_ < 0) return false;
  const Attribute& fingerprint = attributes_[fingerprintIndex_];
  return computeFingerprint(data_, fingerprint.valueOffset - 4u) == readU32(value(fingerprint));
}

std::optional<net::SocketAddress> decodeAddress(const uint8_t* v, size_t size, bool xored,
                                                const TransactionId& transactionId) {
  if (size < 4) return std::nullopt;
  uint8_t family = v[1];
  uint16_t port = readU16(v + 2);
  if (xored) port ^= static_cast<uint16_t>(kMagicCookie >> 16);
  // XOR-MAPPED-ADDRESS masks IPv4 with the cookie and IPv6 with cookie + transaction id.
  uint8_t mask[16];
  writeU32(mask, xored ? kMagicCookie : 0);
  for (int i = 0; i < 12; ++i) mask[4 + i] = xored ? transactionId[i] : 0;
  uint8_t ip[16];
  if (family == 0x01 && size == 8) {
    for (int i = 0; i < 4; ++i) ip[i] = v[4 + i] ^ mask[i];
    return net::SocketAddress::fromIpv4Bytes(ip, port);
  }
  if (family == 0x02 && size == 20) {
    for (int i = 0; i < 16; ++i) ip[i] = v[4 + i] ^ mask[i];
    return net::SocketAddress::fromIpv6Bytes(ip, port);
  }
  return std::nullopt;
}

}  // namespace wg::stun
