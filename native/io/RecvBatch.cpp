#include "RecvBatch.hpp"

#include <cerrno>
#include <cstring>

namespace wg::io {

RecvBatch::RecvBatch(size_t count, size_t slotBytes)
    : slotBytes_(slotBytes),
      buffers_(count * slotBytes),
      iovecs_(count),
      sources_(count),
      headers_(count) {
  for (size_t i = 0; i < count; ++i) {
    iovecs_[i].iov_base = data(i);
    iovecs_[i].iov_len = slotBytes_;
    std::memset(&headers_[i], 0, sizeof(mmsghdr));
  }
}

int RecvBatch::receive(int fd) {
  for (size_t i = 0; i < headers_.size(); ++i) {
    msghdr& h = headers_[i].msg_hdr;
    h.msg_name = &sources_[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &iovecs_[i];
    h.msg_iovlen = 1;
    h.msg_control = nullptr;
    h.msg_controllen = 0;
    h.msg_flags = 0;
  }
  int n = ::recvmmsg(fd, headers_.data(), static_cast<unsigned>(headers_.size()), MSG_DONTWAIT, nullptr);
  if (n >= 0) return n;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
  return -errno;
}

net::SocketAddress RecvBatch::source(size_t i) const {
  return net::SocketAddress::fromSockaddr(reinterpret_cast<const sockaddr*>(&sources_[i]),
                                          headers_[i].msg_hdr.msg_namelen);
}

}  // namespace wg::io
