#include "TransportEvent.hpp"

namespace wg::transport {

const char* transportEventName(TransportEventKind kind) {
  switch (kind) {
    case TransportEventKind::LocalCandidate: return "local-candidate";
    case TransportEventKind::GatheringComplete: return "gathering-complete";
    case TransportEventKind::IceStateChange: return "ice-state";
    case TransportEventKind::SelectedPair: return "selected-pair";
    case TransportEventKind::DtlsStateChange: return "dtls-state";
    case TransportEventKind::Connected: return "connected";
    case TransportEventKind::Closed: return "closed";
    case TransportEventKind::Failed: return "failed";
    case TransportEventKind::TurnFailed: return "turn-failed";
    case TransportEventKind::SctpUp: return "sctp-up";
    case TransportEventKind::DataChannelOpen: return "data-channel-open";
    case TransportEventKind::DataChannelClosed: return "data-channel-closed";
    case TransportEventKind::SctpFailed: return "sctp-failed";
    case TransportEventKind::DataMessage: return "data-message";
    case TransportEventKind::DataRemoteClose: return "data-remote-close";
    case TransportEventKind::DataDrops: return "data-drops";
  }
  return "unknown";
}

}  // namespace wg::transport
