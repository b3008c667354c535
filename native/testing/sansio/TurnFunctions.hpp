#pragma once

#include <napi.h>

namespace wg::binding {

// TURN's pure pieces for test vectors: turnLongTermKey, turnChannelData, turnDeframe.
void addTurnFunctions(Napi::Env env, Napi::Object target);

}  // namespace wg::binding
