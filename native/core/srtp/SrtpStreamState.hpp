#pragma once

#include "ReplayWindow.hpp"

#include <cstdint>
#include <optional>

namespace wg::srtp {

// What one SSRC's crypto context remembers (RFC 3711 section 3.2.1): the rollover counter and
// highest sequence number for the packet index, the replay windows, and the SRTCP index.
struct SrtpStreamState {
  bool started = false;
  uint32_t rolloverCounter = 0;
  uint16_t highestSequence = 0;
  ReplayWindow rtpWindow;
  uint32_t nextSrtcpIndex = 0;  // outbound
  ReplayWindow srtcpWindow;     // inbound

  // RFC 3711 section 3.3.1 / appendix A: the rollover counter `seq` most likely belongs to.
  // nullopt for a sequence number from before the first packet (v would be -1).
  std::optional<uint32_t> guessRolloverCounter(uint16_t seq) const;
  static uint64_t packetIndex(uint32_t roc, uint16_t seq) { return (uint64_t{roc} << 16) | seq; }
  // Advances the highest index after a packet was authenticated (or sent).
  void update(uint32_t roc, uint16_t seq);
};

}  // namespace wg::srtp
