#pragma once

#include "../core/turn/TurnClientConfig.hpp"

#include <napi.h>

namespace wg::binding {

// A TURN server as createTransport() and the sans-IO TurnClient take it:
// { ip, port, transport: 'udp' | 'tcp' | 'tls', host?, username, credential, url?,
//   tlsVerify?: 'system' | 'ca-file' | 'none', tlsCaFile? (with 'ca-file' only),
//   lifetimeSeconds?, timings?: { rtoUs, transmissions, streamTimeoutUs, permissionRefreshUs,
//   channelRefreshUs, refreshMarginUs } }. Throws ERR_INVALID_ARG on anything else.
turn::TurnClientConfig turnServerFromJs(Napi::Env env, const Napi::Object& o);

}  // namespace wg::binding
