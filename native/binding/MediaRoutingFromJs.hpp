#pragma once

#include "../core/media/InboundMediaRouter.hpp"
#include "../core/media/MediaKind.hpp"
#include "../core/media/OutboundRtpRewriter.hpp"

#include <napi.h>

#include <vector>

namespace wg::binding {

// 'video' | 'audio'.
media::MediaKind mediaKindFromJs(Napi::Env env, const Napi::Value& v);
// {ssrc, payloadType, inputPayloadType?, clockRate}
media::OutboundStreamConfig outboundStreamFromJs(Napi::Env env, const Napi::Object& o);
// [{payloadType, media, redirectPayloadType?}]
std::vector<media::InboundRoute> inboundRoutesFromJs(Napi::Env env, const Napi::Value& v);
// An RTP payload type: an integer in 0..127.
uint8_t payloadTypeFromJs(Napi::Env env, const Napi::Value& v, const char* what);
// An SSRC: an integer in 0..2^32-1.
uint32_t ssrcFromJs(Napi::Env env, const Napi::Value& v, const char* what);

}  // namespace wg::binding
