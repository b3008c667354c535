#pragma once

#include <napi.h>

namespace wg::binding {

// Measurement loops that must run natively to mean anything (a JS loop would measure N-API):
// addon.bench.{srtp, cipherBaseline, protectSend}. Used by bench/ only.
void addBenchmarkFunctions(Napi::Env env, Napi::Object target);

}  // namespace wg::binding
