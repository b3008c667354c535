#pragma once

#include "../core/transport/WebRtcTransport.hpp"
#include "EngineContext.hpp"
#include "PortPacketSink.hpp"
#include "TimerQueue.hpp"
#include "TransportSocket.hpp"
#include "UdpPort.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace wg::io {

// Runs one WebRtcTransport on the I/O thread: its sockets, its timer, the ports that feed it
// and where the media it receives goes. The transport core itself never sees a socket.
class TransportHost : public PortPacketSink, private transport::WebRtcTransport::Output {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    virtual void onTransportEvent(uint32_t handle, const transport::TransportEvent& event) = 0;
  };

  enum class MediaKind { Rtp, Rtcp };

  // Built on the JavaScript thread (so its local parameters can be read at once), then
  // handed to the loop with activate().
  TransportHost(uint32_t handle, transport::TransportConfig config, std::vector<UdpSocket> sockets,
                std::shared_ptr<dtls::DtlsContext> dtls, Random& random, EngineContext& context, Listener& listener);
  ~TransportHost() override;

  transport::WebRtcTransport& core() { return *transport_; }
  EngineContext& context() { return context_; }
  uint32_t handle() const { return handle_; }

  // Loop thread from here on.
  void activate(int64_t nowUs);
  void handleDatagram(int socketIndex, const net::SocketAddress& from, uint8_t* data, size_t size);
  // Call after anything that may move the transport's next deadline.
  void reschedule();

  void attachPort(UdpPort& port, MediaKind kind);
  void detachPort(UdpPort& port);
  void detachAllPorts();
  void setRedirect(MediaKind kind, std::optional<net::SocketAddress> to);
  void onPortPacket(uint32_t portHandle, const uint8_t* data, size_t size) override;

  uint64_t redirected() const { return redirected_; }

private:
  void onTimer();
  // transport::WebRtcTransport::Output
  void sendDatagram(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) override;
  void onTransportEvent(const transport::TransportEvent& event) override;
  void onRtp(uint8_t* packet, size_t size) override;
  void onRtcp(uint8_t* packet, size_t size) override;

  uint32_t handle_;
  EngineContext& context_;
  Listener& listener_;
  std::vector<std::unique_ptr<TransportSocket>> sockets_;
  std::unique_ptr<transport::WebRtcTransport> transport_;
  struct Attachment {
    UdpPort* port;
    MediaKind kind;
  };
  std::vector<Attachment> ports_;  // a handful at most: a linear scan beats hashing
  std::optional<net::SocketAddress> rtpRedirect_;
  std::optional<net::SocketAddress> rtcpRedirect_;
  std::optional<TimerQueue::TimerId> timer_;
  std::optional<int64_t> scheduledUs_;
  bool active_ = false;
  uint64_t redirected_ = 0;
};

}  // namespace wg::io
