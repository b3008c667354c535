#pragma once

#include "../core/transport/WebRtcTransport.hpp"
#include "../core/turn/TurnStats.hpp"
#include "../io/TransportHost.hpp"

#include <napi.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wg::binding {

// Reads the options shared by engine transports and sans-IO transports:
// {role, srtpProfiles?, stunServers?: [{ip, port}], turnServers?: [{ip, port, transport, host,
// username, credential, url}], relayOnly?, ufrag?, password?, timings?: {...}}.
// Host addresses are filled in by the caller (from bound sockets or given addresses).
transport::TransportConfig transportConfigFromJs(Napi::Env env, const Napi::Object& options);

// An engine transport's data options: {serialization, bufferLimitBytes, maxMessageSize?}.
struct DataOptions {
  datachannel::DataPipeConfig pipe;
  std::optional<uint32_t> maxMessageSize;  // the remote's a=max-message-size, 0: no limit; absent: SCTP's default
};
DataOptions dataOptionsFromJs(Napi::Env env, const Napi::Value& value);

// A data channel as {stream, label, protocol, ordered, maxRetransmits, maxPacketLifeTime} (null when unlimited).
Napi::Value dataChannelToJs(Napi::Env env, uint16_t stream, const sctp::DcepOpen& open);

// The events of a transport as plain JS objects: {kind, text, detail, candidate?, ...data fields}.
Napi::Object transportEventToJs(Napi::Env env, const transport::TransportEvent& event);

// A copy of what a transport's stats show, taken where the transport lives (the I/O thread
// for engine transports) and turned into JS on the JS thread.
struct TransportSnapshot {
  transport::TransportStats stats;
  ice::IceStats ice;
  std::string iceState;
  std::string iceRole;
  std::string dtlsState;
  std::string srtpProfile;  // empty until connected
  std::optional<std::pair<ice::Candidate, ice::Candidate>> selectedPair;
  // Counters of the engine's routing around the transport (name, value); empty for sans-IO.
  std::vector<std::pair<const char*, uint64_t>> routing;
  // One per TURN allocation.
  struct Relay {
    std::string url;
    std::string transport;  // "udp", "tcp", "tls"
    std::string state;
    std::string relayed;  // empty until allocated
    turn::TurnStats stats;
    // Over TCP/TLS, the connection (the engine's transports only).
    std::optional<io::TransportHost::RelayStreamStats> stream;
  };
  std::vector<Relay> relays;
};

TransportSnapshot snapshotOf(const transport::WebRtcTransport& t);
Napi::Object transportSnapshotToJs(Napi::Env env, const TransportSnapshot& s);

}  // namespace wg::binding
