#include "PathSender.hpp"

namespace wg::transport {

const char* sendStatusName(SendStatus status) {
  switch (status) {
    case SendStatus::Ok: return "ok";
    case SendStatus::NotConnected: return "not-connected";
    case SendStatus::NoRoute: return "no-route";
    case SendStatus::RelayDropped: return "relay-dropped";
    case SendStatus::Malformed: return "malformed";
    case SendStatus::NoRoom: return "no-room";
    case SendStatus::CryptoError: return "crypto-error";
  }
  return "unknown";
}

// Through the allocation: ChannelData once the peer's channel is bound (the I/O layer writes
// the header in front of the payload), a Send indication before, with a permission for every
// address a check goes to (RFC 8656 sections 9 and 11).
SendStatus PathSender::sendRelayed(int64_t nowUs, size_t relayIndex, const net::SocketAddress& to, const uint8_t* data,
                                   size_t size) {
  if (relayIndex >= relays_.size()) return SendStatus::NoRoute;
  TurnRelay& relay = *relays_[relayIndex];
  turn::TurnClient& client = relay.client();
  if (auto channel = client.channelFor(to)) {
    if (!relay.overStream()) {
      output_.sendChannelData(relay.socketIndex(), relay.server(), *channel, data, size);
    } else if (!output_.sendRelayStreamChannelData(relay.index(), *channel, data, size)) {
      return SendStatus::RelayDropped;  // the stream's queue is full: dropped whole, as a socket would
    }
    client.countChannelDataSent(size);
    return SendStatus::Ok;
  }
  client.createPermission(nowUs, to);
  return client.send(to, data, size) ? SendStatus::Ok : SendStatus::RelayDropped;
}

}  // namespace wg::transport
