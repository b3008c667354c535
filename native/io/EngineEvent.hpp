#pragma once

#include "../core/transport/TransportEvent.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace wg::io {

// What the I/O thread tells JavaScript. Every kind is documented in src/native/events.ts.
enum class EngineEventKind : uint8_t {
  // A port received its first datagram, or datagrams from a new source (at most once a second
  // per port). detail: the source "ip:port".
  PortSource = 1,
  // Datagrams a port dropped since its last report (at most one report a second).
  // value: how many; detail: why ("oversize", "socket-error").
  PortDrops = 2,
  // Something a transport reports (candidates, ICE/DTLS state, connected, closed, failed):
  // see `transport`.
  Transport = 3,
};

struct EngineEvent {
  EngineEventKind kind;
  uint32_t subject;  // the port or transport handle the event is about
  int64_t value = 0;
  std::string detail;
  transport::TransportEvent transport{};  // kind == Transport
};

using EngineEventBatch = std::vector<EngineEvent>;

// Receives the events of one loop iteration. Implemented by the binding with a thread-safe
// function; returns false when its queue is full and the batch was not taken.
class EngineEventSink {
public:
  virtual ~EngineEventSink() = default;
  virtual bool deliver(EngineEventBatch&& batch) = 0;
};

}  // namespace wg::io
