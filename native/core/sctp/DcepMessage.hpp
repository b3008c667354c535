#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wg::sctp {

// SCTP payload protocol identifiers of WebRTC data channels (RFC 8831 section 8, RFC 8832 section 8.1).
enum class Ppid : uint32_t {
  Dcep = 50,
  String = 51,
  Binary = 53,
  StringEmpty = 56,  // an empty string goes as one byte with this PPID (RFC 8831 section 6.6)
  BinaryEmpty = 57,
};

// How a channel delivers (RFC 8832 section 5.1, the Channel Type and Reliability Parameter).
struct ChannelReliability {
  bool ordered = true;
  // At most one of these: retransmissions allowed, or lifetime in milliseconds.
  std::optional<uint32_t> maxRetransmits;
  std::optional<uint32_t> maxLifetimeMs;
};

// DATA_CHANNEL_OPEN (RFC 8832 section 5.1).
struct DcepOpen {
  ChannelReliability reliability;
  uint16_t priority = 0;
  std::string label;
  std::string protocol;
};

constexpr uint8_t kDcepAck = 0x02;
constexpr uint8_t kDcepOpen = 0x03;

// Parses a DATA_CHANNEL_OPEN; nullopt when malformed (wrong type, lengths past the end, unknown channel type).
std::optional<DcepOpen> parseDcepOpen(const uint8_t* data, size_t size);
// Writes one into `out` (replacing its contents).
void writeDcepOpen(const DcepOpen& open, std::vector<uint8_t>& out);

}  // namespace wg::sctp
