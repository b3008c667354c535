#include "DropReason.hpp"

namespace wg::datachannel {

const char* dropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::ChannelNotOpen: return "channel_not_open";
    case DropReason::BufferFull: return "buffer_full";
    case DropReason::TooLarge: return "too_large";
    case DropReason::InvalidJson: return "invalid_json";
    case DropReason::InvalidUtf8: return "invalid_utf8";
    case DropReason::Malformed: return "malformed";
    case DropReason::Incomplete: return "incomplete";
    case DropReason::NoRedirect: return "no_redirect";
    case DropReason::SendFailed: return "send_failed";
  }
  return "unknown";
}

}  // namespace wg::datachannel
