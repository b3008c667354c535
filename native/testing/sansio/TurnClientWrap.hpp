#pragma once

#include "../../core/common/Random.hpp"
#include "../../core/turn/TurnClient.hpp"

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

namespace wg::binding {

// `new sansio.TurnClient(server)`: one TurnClient driven from JavaScript. Tests move the bytes
// between it and a real TURN server over their own sockets (UDP datagrams, or TCP chunks),
// feed it the time, and collect what it sends (takeTransmits), reports (takeEvents) and
// receives from peers (takeReceived).
class TurnClientWrap : public Napi::ObjectWrap<TurnClientWrap>, private turn::TurnClient::Listener {
public:
  static Napi::Function define(Napi::Env env);
  explicit TurnClientWrap(const Napi::CallbackInfo& info);

private:
  struct Event {
    std::string kind;  // "allocated", "failed", "closed"
    turn::TurnAllocation allocation;
    turn::TurnError error;
  };
  struct Received {
    net::SocketAddress peer;
    std::vector<uint8_t> data;
  };

  Napi::Value start(const Napi::CallbackInfo& info);
  Napi::Value handleDatagram(const Napi::CallbackInfo& info);
  Napi::Value handleStreamBytes(const Napi::CallbackInfo& info);
  Napi::Value handleTimeout(const Napi::CallbackInfo& info);
  Napi::Value nextTimeout(const Napi::CallbackInfo& info);
  Napi::Value createPermission(const Napi::CallbackInfo& info);
  Napi::Value bindChannel(const Napi::CallbackInfo& info);
  Napi::Value send(const Napi::CallbackInfo& info);
  Napi::Value channelFor(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);
  Napi::Value state(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);
  Napi::Value takeTransmits(const Napi::CallbackInfo& info);
  Napi::Value takeEvents(const Napi::CallbackInfo& info);
  Napi::Value takeReceived(const Napi::CallbackInfo& info);

  void onTurnSend(const uint8_t* data, size_t size) override;
  void onTurnAllocated(const turn::TurnAllocation& allocation) override;
  void onTurnFailed(const turn::TurnError& error) override;
  void onTurnPeerData(const net::SocketAddress& peer, uint8_t* data, size_t size) override;
  void onTurnClosed() override;

  std::unique_ptr<Random> random_;
  std::unique_ptr<turn::TurnClient> client_;
  std::vector<std::vector<uint8_t>> transmits_;
  std::vector<Event> events_;
  std::vector<Received> received_;
};

}  // namespace wg::binding
