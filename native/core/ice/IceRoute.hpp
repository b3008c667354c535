#pragma once

#include "../net/SocketAddress.hpp"

namespace wg::ice {

// Where application data (DTLS, SRTP) goes: the selected pair's local socket and remote address,
// and the TURN allocation wrapping it when the local candidate is relayed. The agent keeps it
// current (a pair validated or nominated, consent lost, closed), so a sender reads one struct
// per packet and no pair or candidate.
struct IceRoute {
  int socketIndex = -1;  // the socket (or relay path) that sends; -1: no route
  int relayIndex = -1;   // the TURN allocation, -1 for a host socket
  net::SocketAddress remote;

  bool valid() const { return socketIndex >= 0; }
  bool sameSource(int socket, const net::SocketAddress& from) const { return socket == socketIndex && from == remote; }
};

}  // namespace wg::ice
