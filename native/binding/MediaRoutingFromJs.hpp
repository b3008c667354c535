#pragma once

#include "../core/media/InboundMediaRouter.hpp"
#include "../core/media/MediaKind.hpp"
#include "../core/media/OutboundRtpRewriter.hpp"
#include "../core/media/RtcpSession.hpp"

#include <napi.h>

#include <optional>
#include <vector>

namespace wg::binding {

// 'video' | 'audio'.
media::MediaKind mediaKindFromJs(Napi::Env env, const Napi::Value& v);
// 'rtp' | 'rtcp'.
media::PacketKind packetKindFromJs(Napi::Env env, const Napi::Value& v);
// {ssrc, payloadType, inputPayloadType?, clockRate, nack?, rtxSsrc?, rtxPayloadType?}
media::OutboundStreamConfig outboundStreamFromJs(Napi::Env env, const Napi::Object& o);
// [{payloadType, media, redirectPayloadType?, clockRate?, rtxFor?}]
std::vector<media::InboundRoute> inboundRoutesFromJs(Napi::Env env, const Napi::Value& v);
// {cname?, nack?, transportCcId?, rembBps?}: what the connection's own RTCP does.
media::RtcpSessionConfig rtcpFeedbackFromJs(Napi::Env env, const Napi::Value& v);
// An RTP payload type: an integer in 0..127.
uint8_t payloadTypeFromJs(Napi::Env env, const Napi::Value& v, const char* what);
// An SSRC: an integer in 0..2^32-1.
uint32_t ssrcFromJs(Napi::Env env, const Napi::Value& v, const char* what);

}  // namespace wg::binding
