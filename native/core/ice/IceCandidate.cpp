#include "IceCandidate.hpp"

#include "../common/Crc32.hpp"

namespace wg::ice {

const char* candidateTypeName(CandidateType type) {
  switch (type) {
    case CandidateType::Host: return "host";
    case CandidateType::ServerReflexive: return "srflx";
    case CandidateType::PeerReflexive: return "prflx";
    case CandidateType::Relay: return "relay";
  }
  return "host";
}

std::string Candidate::toSdp() const {
  std::string s = "candidate:" + foundation + " " + std::to_string(component) + " udp " + std::to_string(priority) +
                  " " + address.ipString() + " " + std::to_string(address.port()) + " typ " +
                  candidateTypeName(type);
  if (type != CandidateType::Host && !relatedAddress.isUnspecified()) {
    s += " raddr " + relatedAddress.ipString() + " rport " + std::to_string(relatedAddress.port());
  }
  return s;
}

std::string computeFoundation(CandidateType type, const net::SocketAddress& base, const std::string& server) {
  std::string key = std::string(candidateTypeName(type)) + "|" + base.ipString() + "|" + server;
  return std::to_string(crc32(reinterpret_cast<const uint8_t*>(key.data()), key.size()));
}

}  // namespace wg::ice
