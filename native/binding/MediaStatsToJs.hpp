#pragma once

#include "../core/media/MediaSessionStats.hpp"

#include <napi.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace wg::binding {

// A connection's per-stream media statistics (RawMediaStats in src/native/addon.ts).
Napi::Object mediaStatsToJs(Napi::Env env, const media::MediaStats& stats);
// One received stream (RawReceiveStreamStats): also what the test addon's RtcpSession reports.
Napi::Object receiveStreamToJs(Napi::Env env, const media::ReceiveStreamStats& s);
// A connection's routing counters as (name, value), the names the transport status reports.
std::vector<std::pair<const char*, uint64_t>> routingCounters(const media::RoutingStats& r);

}  // namespace wg::binding
