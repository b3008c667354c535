#pragma once

#include <napi.h>

namespace wg::binding {

// Pure functions of the sans-IO core, exposed for the RFC test vectors, the fuzz corpus
// checks and tools: addon.sansio.{stunParse, stunBuild, deriveSrtpKey, rtpParse, rtcpParse}.
void addSansIoFunctions(Napi::Env env, Napi::Object target);

}  // namespace wg::binding
