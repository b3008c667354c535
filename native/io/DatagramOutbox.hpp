#pragma once

#include "../core/net/SocketAddress.hpp"
#include "RelaxedCounter.hpp"

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wg::io {

// Datagrams queued during one loop iteration and sent together with sendmmsg(2), one call per
// run of consecutive datagrams on the same socket. Preallocated: nothing is allocated per
// datagram. A full queue is flushed early; a full socket buffer drops and counts.
class DatagramOutbox {
public:
  DatagramOutbox(size_t slots, size_t slotBytes);
  DatagramOutbox(const DatagramOutbox&) = delete;
  DatagramOutbox& operator=(const DatagramOutbox&) = delete;

  // Copies the datagram; it leaves at the next flush().
  void send(int fd, const net::SocketAddress& to, const uint8_t* data, size_t size);
  void flush();
  bool empty() const { return count_ == 0; }

  RelaxedCounter sent;
  RelaxedCounter dropped;  // EAGAIN, ENOBUFS, oversize or another send error
  RelaxedCounter sendCalls;

private:
  size_t slotBytes_;
  std::vector<uint8_t> arena_;
  std::vector<int> fds_;
  std::vector<sockaddr_storage> addresses_;
  std::vector<iovec> iovecs_;
  std::vector<mmsghdr> headers_;
  size_t count_ = 0;
};

}  // namespace wg::io
