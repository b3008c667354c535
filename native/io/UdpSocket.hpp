#pragma once

#include "../core/net/SocketAddress.hpp"
#include "FileDescriptor.hpp"

#include <optional>

namespace wg::io {

// A non-blocking UDP socket bound to one local address.
class UdpSocket {
public:
  // Binds a new socket; on failure returns nullopt and sets `error` to the errno.
  static std::optional<UdpSocket> bind(const net::SocketAddress& local, int& error);

  int fd() const { return fd_.get(); }
  const net::SocketAddress& localAddress() const { return local_; }
  // The receive buffer the kernel actually granted (it caps the request at rmem_max).
  int receiveBufferBytes() const;

private:
  UdpSocket(FileDescriptor fd, net::SocketAddress local) : fd_(std::move(fd)), local_(local) {}

  FileDescriptor fd_;
  net::SocketAddress local_;
};

}  // namespace wg::io
