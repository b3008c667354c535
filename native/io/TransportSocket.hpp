#pragma once

#include "IoHandler.hpp"
#include "UdpSocket.hpp"

namespace wg::io {

class TransportHost;

// One of a transport's local sockets (a host candidate): reads batches and feeds the transport.
class TransportSocket : public IoHandler {
public:
  TransportSocket(TransportHost& host, int index, UdpSocket socket) : host_(host), index_(index), socket_(std::move(socket)) {}
  void onReadable() override;
  int fd() const { return socket_.fd(); }
  const net::SocketAddress& localAddress() const { return socket_.localAddress(); }

private:
  TransportHost& host_;
  int index_;
  UdpSocket socket_;
};

}  // namespace wg::io
