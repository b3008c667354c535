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
  // What became of one sender's datagrams, counted at flush time, when the kernel has answered.
  // A sender that passes one must flush() the outbox before its tally goes away.
  struct Tally {
    uint64_t sent = 0;
    uint64_t dropped = 0;
  };

  DatagramOutbox(size_t slots, size_t slotBytes);
  DatagramOutbox(const DatagramOutbox&) = delete;
  DatagramOutbox& operator=(const DatagramOutbox&) = delete;

  // Copies the datagram; it leaves at the next flush(). `tally` (optional) counts its fate too.
  void send(int fd, const net::SocketAddress& to, const uint8_t* data, size_t size, Tally* tally = nullptr) {
    send(fd, to, nullptr, 0, data, size, tally);
  }
  // The same with a short header written in front of the payload in the slot (ChannelData's
  // 4 bytes, RFC 8656 section 12.4): still one copy of the payload.
  void send(int fd, const net::SocketAddress& to, const uint8_t* head, size_t headSize, const uint8_t* data, size_t size,
            Tally* tally = nullptr);
  void flush();
  bool empty() const { return count_ == 0; }

  RelaxedCounter sent;
  RelaxedCounter dropped;  // EAGAIN, ENOBUFS, oversize or another send error
  RelaxedCounter sendCalls;

private:
  void sendLarge(int fd, const net::SocketAddress& to, const uint8_t* head, size_t headSize, const uint8_t* data,
                 size_t size, Tally* tally);

  size_t slotBytes_;
  std::vector<uint8_t> arena_;
  std::vector<int> fds_;
  std::vector<Tally*> tallies_;
  std::vector<sockaddr_storage> addresses_;
  std::vector<iovec> iovecs_;
  std::vector<mmsghdr> headers_;
  size_t count_ = 0;
};

}  // namespace wg::io
