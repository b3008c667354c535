#pragma once

#include "../core/transport/WebRtcTransport.hpp"

#include <napi.h>

namespace wg::binding {

// Reads the options shared by engine transports and sans-IO transports:
// {role, srtpProfiles?, stunServers?: [{ip, port}], ufrag?, password?, timings?: {...}}.
// Host addresses are filled in by the caller (from bound sockets or given addresses).
transport::TransportConfig transportConfigFromJs(Napi::Env env, const Napi::Object& options);

// The events of a transport as plain JS objects: {kind, text, detail, candidate?}.
Napi::Object transportEventToJs(Napi::Env env, const transport::TransportEvent& event);
Napi::Object transportStatsToJs(Napi::Env env, const transport::WebRtcTransport& t);

}  // namespace wg::binding
