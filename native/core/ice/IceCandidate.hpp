#pragma once

#include "../net/SocketAddress.hpp"

#include <cstdint>
#include <string>

namespace wg::ice {

// RFC 8445 section 5.1.1.
enum class CandidateType : uint8_t { Host, ServerReflexive, PeerReflexive, Relay };

const char* candidateTypeName(CandidateType type);  // "host", "srflx", "prflx", "relay"

// RFC 8445 section 5.1.2.2 recommended type preferences.
constexpr uint32_t typePreference(CandidateType type) {
  switch (type) {
    case CandidateType::Host: return 126;
    case CandidateType::PeerReflexive: return 110;
    case CandidateType::ServerReflexive: return 100;
    case CandidateType::Relay: return 0;
  }
  return 0;
}

// RFC 8445 section 5.1.2.1: (2^24) type preference + (2^8) local preference + (256 - component).
constexpr uint32_t candidatePriority(CandidateType type, uint32_t localPreference, uint32_t component = 1) {
  return (typePreference(type) << 24) | ((localPreference & 0xFFFF) << 8) | (256 - component);
}

// A transport address a candidate pair can use. Local candidates also say how to send:
// through which of the transport's sockets and, for a relayed candidate, through which
// TURN allocation (so relay candidates slot in without changing how pairs send).
struct Candidate {
  CandidateType type = CandidateType::Host;
  std::string foundation;
  uint32_t component = 1;
  uint32_t priority = 0;
  net::SocketAddress address;
  net::SocketAddress relatedAddress;  // the base of a reflexive candidate, the mapped address of a relay
  int socketIndex = -1;  // local: the socket that sends for this candidate
  int relayIndex = -1;   // local: the TURN allocation wrapping its packets, -1 for none
  std::string url;       // local relay: the TURN server's URL (as RTCIceCandidateStats.url)

  // The a=candidate value (RFC 8839 section 5.1), e.g. "candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host".
  std::string toSdp() const;
};

// The same foundation for candidates of one type, base address and server (RFC 8445 5.1.1.3).
std::string computeFoundation(CandidateType type, const net::SocketAddress& base, const std::string& server);

}  // namespace wg::ice
