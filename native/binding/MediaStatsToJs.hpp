#pragma once

#include "../io/TransportHost.hpp"

#include <napi.h>

namespace wg::binding {

// A connection's per-stream media statistics (RawMediaStats in src/native/addon.ts).
Napi::Object mediaStatsToJs(Napi::Env env, const io::TransportHost::MediaStats& stats);
// One received stream (RawReceiveStreamStats): also what the test addon's RtcpSession reports.
Napi::Object receiveStreamToJs(Napi::Env env, const media::ReceiveStreamStats& s);

}  // namespace wg::binding
