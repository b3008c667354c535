#pragma once

#include "../core/net/SocketAddress.hpp"
#include "RelaxedCounter.hpp"

#include <mutex>

namespace wg::io {

// Traffic seen by one port. Written by the I/O thread, read from JavaScript at any time.
struct PortCounters {
  RelaxedCounter packets;
  RelaxedCounter bytes;
  RelaxedCounter droppedOversize;
  RelaxedCounter socketErrors;
  RelaxedCounter sourceChanges;

  void setLastSource(const net::SocketAddress& source) {
    std::lock_guard<std::mutex> lock(sourceMutex_);
    lastSource_ = source;
  }
  net::SocketAddress lastSource() const {
    std::lock_guard<std::mutex> lock(sourceMutex_);
    return lastSource_;
  }

private:
  mutable std::mutex sourceMutex_;  // taken only when the source changes, not per datagram
  net::SocketAddress lastSource_;
};

}  // namespace wg::io
