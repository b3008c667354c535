#pragma once

#include "../core/net/SocketAddress.hpp"

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wg::io {

// Preallocated buffers for one recvmmsg(2) call: no allocation per datagram.
class RecvBatch {
public:
  RecvBatch(size_t count, size_t slotBytes);
  RecvBatch(const RecvBatch&) = delete;
  RecvBatch& operator=(const RecvBatch&) = delete;

  // Reads up to capacity() datagrams from a non-blocking socket.
  // Returns how many were read, 0 when none are waiting, or -errno.
  int receive(int fd);

  size_t capacity() const { return headers_.size(); }
  size_t slotBytes() const { return slotBytes_; }
  uint8_t* data(size_t i) { return buffers_.data() + i * slotBytes_; }
  size_t size(size_t i) const { return headers_[i].msg_len; }
  // The datagram was larger than a slot and its tail was cut off.
  bool truncated(size_t i) const { return (headers_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0; }
  net::SocketAddress source(size_t i) const;

private:
  size_t slotBytes_;
  std::vector<uint8_t> buffers_;
  std::vector<iovec> iovecs_;
  std::vector<sockaddr_storage> sources_;
  std::vector<mmsghdr> headers_;
};

}  // namespace wg::io
