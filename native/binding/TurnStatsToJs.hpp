#pragma once

#include "../core/turn/TurnStats.hpp"

#include <napi.h>

namespace wg::binding {

// The counters of one TURN allocation as a plain object of numbers (names as in TurnStats).
Napi::Object turnStatsToJs(Napi::Env env, const turn::TurnStats& s);

}  // namespace wg::binding
