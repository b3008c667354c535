#pragma once

#include "EventLoop.hpp"
#include "IoHandler.hpp"
#include "PortCounters.hpp"
#include "PortPacketSink.hpp"
#include "RecvBatch.hpp"
#include "UdpSocket.hpp"
#include "../core/media/FanoutSource.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace wg::io {

// A UDP port handed out through the REST API (media or RTCP), read by the I/O thread.
class UdpPort : public IoHandler {
public:
  // How a port reports upward without knowing who owns it.
  class Listener {
  public:
    virtual ~Listener() = default;
    virtual void onPortSource(UdpPort& port, const net::SocketAddress& source) = 0;
    virtual void onPortDrop(UdpPort& port) = 0;
  };

  UdpPort(uint32_t handle, UdpSocket socket, std::shared_ptr<PortCounters> counters, RecvBatch& batch,
          EventLoop& loop, Listener& listener);
  ~UdpPort() override;

  void onReadable() override;

  uint32_t handle() const { return handle_; }
  int fd() const { return socket_.fd(); }
  const net::SocketAddress& localAddress() const { return socket_.localAddress(); }
  // A data port's datagrams are not RTP: the fan-out source does not parse or keep them.
  void setDataPort(bool data) { dataPort_ = data; }
  // Every datagram is handed to each attached sink, in attach order.
  void attach(PortPacketSink* sink);
  void detach(PortPacketSink* sink);
  size_t sinkCount() const { return sinks_.size(); }
  PortCounters& counters() { return *counters_; }
  // What every connection this port feeds shares: the parsed header, the packets kept for
  // NACKs, the keyframe request gate.
  media::FanoutSource& fanout() { return fanout_; }
  // Drops already reported upward, so a report carries only what is new.
  uint64_t reportedOversize = 0;
  uint64_t reportedSocketErrors = 0;

private:
  void noteSource(const net::SocketAddress& source);

  uint32_t handle_;
  UdpSocket socket_;
  std::shared_ptr<PortCounters> counters_;
  RecvBatch& batch_;
  EventLoop& loop_;
  Listener& listener_;
  std::vector<PortPacketSink*> sinks_;
  media::FanoutSource fanout_;
  net::SocketAddress lastSource_;
  int64_t lastSourceReportUs_ = 0;
  bool sourceReported_ = false;
  bool dataPort_ = false;
};

}  // namespace wg::io
