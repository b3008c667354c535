#pragma once

#include "../core/ice/SharedSocketDemux.hpp"
#include "EngineContext.hpp"
#include "IoHandler.hpp"
#include "UdpSocket.hpp"

#include <cstdint>
#include <unordered_map>

namespace wg::io {

class TransportHost;

// One UDP socket that is the host candidate of every transport on its address (the
// media_shared_port setting): one firewall port for all connections, and a packet's copies to
// many viewers leave in one sendmmsg(2) because they share the fd. SharedSocketDemux finds
// each datagram's transport. Loop thread only, after construction.
class SharedTransportSocket : public IoHandler {
public:
  struct Stats {
    ice::SharedSocketDemux::Stats demux;
    uint64_t transports = 0;
    uint64_t ufragCollisions = 0;  // a transport whose ufrag another one already had
  };

  SharedTransportSocket(UdpSocket socket, EngineContext& context);
  ~SharedTransportSocket() override;
  SharedTransportSocket(const SharedTransportSocket&) = delete;
  SharedTransportSocket& operator=(const SharedTransportSocket&) = delete;

  void activate();
  int fd() const { return socket_.fd(); }
  const net::SocketAddress& localAddress() const { return socket_.localAddress(); }

  // The host receives what is for it as datagrams of its socket `socketIndex`.
  void attach(TransportHost& host, int socketIndex);
  void detach(TransportHost& host);
  // The host's ICE restarted: requests naming its new ufrag are its too (the old ones still route).
  void addUfrag(TransportHost& host);
  void send(TransportHost& host, const net::SocketAddress& to, const uint8_t* data, size_t size);
  void onReadable() override;
  Stats stats() const;

private:
  struct Attached {
    TransportHost* host;
    int socketIndex;
  };

  UdpSocket socket_;
  EngineContext& context_;
  ice::SharedSocketDemux demux_;
  std::unordered_map<uint32_t, Attached> hosts_;
  uint64_t ufragCollisions_ = 0;
  bool active_ = false;
};

}  // namespace wg::io
