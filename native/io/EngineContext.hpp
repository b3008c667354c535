#pragma once

#include "DatagramOutbox.hpp"
#include "EventLoop.hpp"
#include "RecvBatch.hpp"

#include <cstddef>
#include <cstdint>

namespace wg::io {

class RetiredStreams;

// What the engine's parts share on the I/O thread: the loop, the receive batch, the send
// queue, the sockets that send plain RTP to users, and a scratch buffer for per-destination copies.
struct EngineContext {
  EventLoop& loop;
  RecvBatch& recvBatch;
  DatagramOutbox& outbox;
  int redirectFd4;
  int redirectFd6;
  uint8_t* scratch;
  size_t scratchSize;
  // Where TURN stream connections go to finish once their transport lets go of them.
  RetiredStreams& retiredStreams;

  int redirectFdFor(const net::SocketAddress& to) const { return to.isIpv6() ? redirectFd6 : redirectFd4; }
};

}  // namespace wg::io
