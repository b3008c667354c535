#pragma once

#include "../io/Engine.hpp"

#include <napi.h>

#include <cstddef>

namespace wg::binding {

// The engine's own counters (RawEngineStats in src/native/addon.ts); `engine` is null once closed.
Napi::Object engineStatsToJs(Napi::Env env, io::Engine* engine, size_t openPorts);
// One UDP port's counters and the source it last heard from (RawPortStats).
Napi::Object portCountersToJs(Napi::Env env, const io::PortCounters& c);

}  // namespace wg::binding
