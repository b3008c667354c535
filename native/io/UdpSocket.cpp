#include "UdpSocket.hpp"

#include <cerrno>
#include <sys/socket.h>

namespace wg::io {

namespace {
// Media bursts (a keyframe is dozens of packets) must fit while the loop is busy elsewhere.
constexpr int kReceiveBufferRequest = 4 * 1024 * 1024;
}  // namespace

std::optional<UdpSocket> UdpSocket::bind(const net::SocketAddress& local, int& error) {
  FileDescriptor fd(::socket(local.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    error = errno;
    return std::nullopt;
  }
  // SO_RCVBUFFORCE passes the rmem_max cap when the process may (CAP_NET_ADMIN); otherwise the
  // kernel grants what rmem_max allows (see docs: raise net.core.rmem_max for heavy media).
  int size = kReceiveBufferRequest;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0) {
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  }
  int sendSize = kReceiveBufferRequest;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUFFORCE, &sendSize, sizeof(sendSize)) != 0) {
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &sendSize, sizeof(sendSize));
  }
  if (::bind(fd.get(), local.data(), local.length()) != 0) {
    error = errno;
    return std::nullopt;
  }
  net::SocketAddress bound;
  socklen_t len = net::SocketAddress::capacity();
  if (::getsockname(fd.get(), bound.data(), &len) != 0) {
    error = errno;
    return std::nullopt;
  }
  error = 0;
  return UdpSocket(std::move(fd), bound);
}

int UdpSocket::receiveBufferBytes() const {
  int size = 0;
  socklen_t len = sizeof(size);
  ::getsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &size, &len);
  return size;
}

}  // namespace wg::io
