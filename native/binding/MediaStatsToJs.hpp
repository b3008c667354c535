#pragma once

#include "../io/TransportHost.hpp"

#include <napi.h>

namespace wg::binding {

// A connection's per-stream media statistics (RawMediaStats in src/native/addon.ts).
Napi::Object mediaStatsToJs(Napi::Env env, const io::TransportHost::MediaStats& stats);

}  // namespace wg::binding
