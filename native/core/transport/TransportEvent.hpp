#pragma once

#include "../ice/IceCandidate.hpp"
#include "../sctp/DcepMessage.hpp"

#include <cstdint>
#include <string>
#include <vector>

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
  // Data channels (engine transports with dataChannels):
  SctpUp,             // the SCTP association is established: channels may be opened
  DataChannelOpen,    // stream, channel (label, protocol, reliability), remote: the peer opened it
  DataChannelClosed,  // stream: reset by the peer (RFC 8831 section 6.7) or closed
  SctpFailed,         // text: why the association is lost, aborted or shut down; nothing follows
  DataMessage,        // stream, binary, data: a message the data pipe hands up (its slow path)
  DataRemoteClose,    // the peer's in-band close of the connection (PeerJS)
  DataDrops,          // text: "to_remote"|"from_remote", detail: the reason, count: dropped since the last report
};

const char* transportEventName(TransportEventKind kind);

struct TransportEvent {
  TransportEventKind kind;
  std::string text{};
  std::string detail{};
  ice::Candidate candidate{};  // for LocalCandidate
  uint16_t code = 0;         // for TurnFailed
  uint16_t stream = 0;       // data channel events
  bool binary = false;       // DataMessage
  bool remote = false;       // DataChannelOpen
  sctp::DcepOpen channel{};  // DataChannelOpen
  std::vector<uint8_t> data{};  // DataMessage
  uint64_t count = 0;        // DataDrops
};

}  // namespace wg::transport
