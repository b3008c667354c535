#pragma once

#include "../ice/IceRoute.hpp"
#include "SendStatus.hpp"
#include "TransportOutput.hpp"
#include "TurnRelay.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace wg::transport {

// Sends a transport's datagrams on one of its paths: a host socket directly, or through one of
// its TURN relays. Application data follows the ICE route (read per packet, no callback through
// the agent); ICE's own checks name their path themselves.
class PathSender {
public:
  PathSender(TransportOutput& output, std::vector<std::unique_ptr<TurnRelay>>& relays) : output_(output), relays_(relays) {}

  SendStatus send(int64_t nowUs, const ice::IceRoute& route, const uint8_t* data, size_t size) {
    if (!route.valid()) return SendStatus::NoRoute;
    if (route.relayIndex < 0) {
      output_.sendDatagram(route.socketIndex, route.remote, data, size);
      return SendStatus::Ok;
    }
    return sendRelayed(nowUs, static_cast<size_t>(route.relayIndex), route.remote, data, size);
  }
  SendStatus sendRelayed(int64_t nowUs, size_t relay, const net::SocketAddress& to, const uint8_t* data, size_t size);

private:
  TransportOutput& output_;
  std::vector<std::unique_ptr<TurnRelay>>& relays_;
};

}  // namespace wg::transport
