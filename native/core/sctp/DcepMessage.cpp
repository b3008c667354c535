#include "DcepMessage.hpp"

namespace wg::sctp {

namespace {
// RFC 8832 section 5.1: bit 0x80 says unordered, the low bits the reliability policy.
constexpr uint8_t kUnorderedBit = 0x80;
constexpr uint8_t kReliable = 0x00;
constexpr uint8_t kPartialRexmit = 0x01;
constexpr uint8_t kPartialTimed = 0x02;
constexpr size_t kOpenHeaderSize = 12;

uint16_t read16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t read32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t>& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v >> 16));
  put16(out, static_cast<uint16_t>(v));
}
}  // namespace

std::optional<DcepOpen> parseDcepOpen(const uint8_t* data, size_t size) {
  if (size < kOpenHeaderSize || data[0] != kDcepOpen) return std::nullopt;
  uint8_t channelType = data[1];
  uint32_t parameter = read32(data + 4);
  size_t labelLength = read16(data + 8);
  size_t protocolLength = read16(data + 10);
  if (kOpenHeaderSize + labelLength + protocolLength > size) return std::nullopt;
  DcepOpen open;
  open.priority = read16(data + 2);
  open.reliability.ordered = (channelType & kUnorderedBit) == 0;
  switch (channelType & ~kUnorderedBit) {
    case kReliable: break;
    case kPartialRexmit: open.reliability.maxRetransmits = parameter; break;
    case kPartialTimed: open.reliability.maxLifetimeMs = parameter; break;
    default: return std::nullopt;
  }
  const char* text = reinterpret_cast<const char*>(data + kOpenHeaderSize);
  open.label.assign(text, labelLength);
  open.protocol.assign(text + labelLength, protocolLength);
  return open;
}

void writeDcepOpen(const DcepOpen& open, std::vector<uint8_t>& out) {
  const ChannelReliability& r = open.reliability;
  uint8_t channelType = r.maxRetransmits ? kPartialRexmit : r.maxLifetimeMs ? kPartialTimed : kReliable;
  if (!r.ordered) channelType |= kUnorderedBit;
  out.clear();
  out.push_back(kDcepOpen);
  out.push_back(channelType);
  put16(out, open.priority);
  put32(out, r.maxRetransmits ? *r.maxRetransmits : r.maxLifetimeMs ? *r.maxLifetimeMs : 0);
  put16(out, static_cast<uint16_t>(open.label.size()));
  put16(out, static_cast<uint16_t>(open.protocol.size()));
  out.insert(out.end(), open.label.begin(), open.label.end());
  out.insert(out.end(), open.protocol.begin(), open.protocol.end());
}

}  // namespace wg::sctp
