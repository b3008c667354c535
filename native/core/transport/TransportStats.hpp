#pragma once

#include <cstdint>

namespace wg::transport {

// Counters of one transport's media path. Written and read on the thread that drives the
// transport (the I/O thread in the gateway).
struct TransportStats {
  uint64_t rtpSent = 0;
  uint64_t rtpBytesSent = 0;
  uint64_t rtcpSent = 0;
  uint64_t rtpReceived = 0;
  uint64_t rtpBytesReceived = 0;
  uint64_t rtcpReceived = 0;
  uint64_t dtlsReceived = 0;
  uint64_t stunReceived = 0;
  // Dropped on the way in: not authenticated by ICE, before keys, failed SRTP, unknown demux.
  uint64_t droppedUnauthenticatedSource = 0;
  uint64_t droppedBeforeKeys = 0;
  uint64_t droppedSrtpAuth = 0;
  uint64_t droppedSrtpReplay = 0;
  uint64_t droppedMalformed = 0;
  uint64_t droppedUnknown = 0;
  uint64_t droppedNotRelayed = 0;  // relayOnly: anything on a host socket not from a TURN server
  // Dropped on the way out: no keys or no ICE route yet, or protection failed.
  uint64_t sendDropped = 0;
};

}  // namespace wg::transport
