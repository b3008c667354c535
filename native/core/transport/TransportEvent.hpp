#pragma once

#include "../ice/IceCandidate.hpp"

#include <string>

namespace wg::transport {

enum class TransportEventKind : uint8_t {
  LocalCandidate,     // candidate: a server-reflexive candidate to trickle (hosts are known up front)
  GatheringComplete,  // no more local candidates will come
  IceStateChange,     // text: the ICE state name
  SelectedPair,       // text: "local -> remote" as candidate strings in detail
  DtlsStateChange,    // text: "connecting", "connected", "closed", "failed"
  Connected,          // SRTP keys are in place: media may flow; text: the SRTP profile name
  Closed,             // text: "remote" (close_notify received) or "local"
  Failed,             // text: why
  TurnFailed,         // text: which TURN server and why ("turn:192.0.2.1:3478 401 Unauthorized"), detail: the
                      // server's URL, code: its STUN error code (0 without one); the transport goes on
};

const char* transportEventName(TransportEventKind kind);

struct TransportEvent {
  TransportEventKind kind;
  std::string text;
  std::string detail;
  ice::Candidate candidate;  // for LocalCandidate
  uint16_t code = 0;         // for TurnFailed
};

}  // namespace wg::transport
