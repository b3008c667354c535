#pragma once

#include "EventLoop.hpp"
#include "TurnStreamConnection.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace wg::io {

// TURN stream connections their transport let go of (closed, or the relay failed): each sends
// what it still has queued (the deallocation, close_notify), half-closes and waits for the
// server to close, at most the TCP close timeout; then it is destroyed from a posted command,
// never from inside its own callbacks (see TcpConnection). What the server still sends is
// dropped. Loop thread only.
class RetiredStreams : private TurnStreamConnection::Listener {
public:
  explicit RetiredStreams(EventLoop& loop) : loop_(loop) {}
  RetiredStreams(const RetiredStreams&) = delete;
  RetiredStreams& operator=(const RetiredStreams&) = delete;

  void retire(std::unique_ptr<TurnStreamConnection> stream);
  size_t size() const { return streams_.size(); }
  uint64_t retired() const { return retired_; }
  // Destroys them all at once (the loop is stopping).
  void clear() { streams_.clear(); }

private:
  void onStreamOpen(TurnStreamConnection&) override {}
  void onStreamBytes(TurnStreamConnection&, uint8_t*, size_t) override {}
  void onStreamClosed(TurnStreamConnection&, const std::string&) override { scheduleSweep(); }
  void scheduleSweep();
  void sweep();

  EventLoop& loop_;
  std::vector<std::unique_ptr<TurnStreamConnection>> streams_;
  uint64_t retired_ = 0;
  bool sweepPosted_ = false;
};

}  // namespace wg::io
