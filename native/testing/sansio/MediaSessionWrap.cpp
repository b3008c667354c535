#include "MediaSessionWrap.hpp"

#include "../../core/srtp/SrtpProfile.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/MediaRoutingFromJs.hpp"
#include "../../binding/MediaStatsToJs.hpp"
#include "../../binding/NativeError.hpp"
#include "FanoutSourceWrap.hpp"
#include "RtcpFunctions.hpp"

namespace wg::binding {

namespace {
constexpr size_t kScratchBytes = 4096 + srtp::kProtectHeadroom;  // as the engine's
constexpr size_t kMaxRecorded = 4096;                            // datagrams between two takeOutput() calls

media::NtpAnchor anchorFromJs(Napi::Env env, const Napi::Object& o) {
  media::NtpAnchor anchor;
  anchor.atUs = static_cast<int64_t>(optionalNumber(o, "ntpAnchorUs", 0, 0, 9007199254740991.0));
  Napi::Value ntp = o.Get("ntpAnchor");
  if (ntp.IsUndefined()) return anchor;
  if (!ntp.IsBigInt()) throwTypeError(env, "ntpAnchor must be a bigint");
  bool lossless = true;
  anchor.ntp = ntp.As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) throwTypeError(env, "ntpAnchor must fit 64 unsigned bits");
  return anchor;
}
}  // namespace

Napi::Function MediaSessionWrap::define(Napi::Env env) {
  return DefineClass(env, "MediaSession",
                     {
                         InstanceMethod<&MediaSessionWrap::setOutboundStream>("setOutboundStream"),
                         InstanceMethod<&MediaSessionWrap::setInboundRoutes>("setInboundRoutes"),
                         InstanceMethod<&MediaSessionWrap::expectRemoteSsrc>("expectRemoteSsrc"),
                         InstanceMethod<&MediaSessionWrap::expectRemoteRtx>("expectRemoteRtx"),
                         InstanceMethod<&MediaSessionWrap::setFeedback>("setFeedback"),
                         InstanceMethod<&MediaSessionWrap::setRedirect>("setRedirect"),
                         InstanceMethod<&MediaSessionWrap::setSource>("setSource"),
                         InstanceMethod<&MediaSessionWrap::requestKeyframe>("requestKeyframe"),
                         InstanceMethod<&MediaSessionWrap::onConnected>("onConnected"),
                         InstanceMethod<&MediaSessionWrap::onDisconnected>("onDisconnected"),
                         InstanceMethod<&MediaSessionWrap::onUserRtp>("onUserRtp"),
                         InstanceMethod<&MediaSessionWrap::onUserRtcp>("onUserRtcp"),
                         InstanceMethod<&MediaSessionWrap::onPeerRtp>("onPeerRtp"),
                         InstanceMethod<&MediaSessionWrap::onPeerRtcp>("onPeerRtcp"),
                         InstanceMethod<&MediaSessionWrap::nextTimeout>("nextTimeout"),
                         InstanceMethod<&MediaSessionWrap::handleTimeout>("handleTimeout"),
                         InstanceMethod<&MediaSessionWrap::takeOutput>("takeOutput"),
                         InstanceMethod<&MediaSessionWrap::routingStats>("routingStats"),
                         InstanceMethod<&MediaSessionWrap::mediaStats>("mediaStats"),
                     });
}

MediaSessionWrap::MediaSessionWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<MediaSessionWrap>(info), scratch_(kScratchBytes) {
  Napi::Env env = info.Env();
  Napi::Object o = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  uint32_t receiverSsrc = o.Get("receiverSsrc").IsUndefined() ? 1 : ssrcFromJs(env, o.Get("receiverSsrc"), "receiverSsrc");
  auto rtxFirstSequence = static_cast<uint16_t>(optionalNumber(o, "rtxFirstSequence", 0, 0, 65535));
  session_ = std::make_unique<media::MediaSession>(receiverSsrc, rtxFirstSequence, anchorFromJs(env, o), scratch_.data(),
                                                   scratch_.size(), static_cast<media::MediaSession::Output&>(*this));
}

Napi::Value MediaSessionWrap::setOutboundStream(const Napi::CallbackInfo& info) {
  media::MediaKind kind = mediaKindFromJs(info.Env(), info[0]);
  std::optional<media::OutboundStreamConfig> config;
  if (info.Length() > 1 && info[1].IsObject()) config = outboundStreamFromJs(info.Env(), info[1].As<Napi::Object>());
  session_->setOutboundStream(kind, config);
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::setInboundRoutes(const Napi::CallbackInfo& info) {
  session_->setInboundRoutes(inboundRoutesFromJs(info.Env(), info[0]));
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::expectRemoteSsrc(const Napi::CallbackInfo& info) {
  session_->expectRemoteSsrc(ssrcFromJs(info.Env(), info[0], "ssrc"), mediaKindFromJs(info.Env(), info[1]));
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::expectRemoteRtx(const Napi::CallbackInfo& info) {
  session_->expectRemoteRtx(ssrcFromJs(info.Env(), info[0], "rtxSsrc"), ssrcFromJs(info.Env(), info[1], "ssrc"));
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::setFeedback(const Napi::CallbackInfo& info) {
  session_->setFeedback(rtcpFeedbackFromJs(info.Env(), info[0]), int64Arg(info, 1, "nowUs"));
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::setRedirect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  media::PacketKind kind = packetKindFromJs(env, info[0]);
  media::MediaKind media = mediaKindFromJs(env, info[1]);
  std::optional<net::SocketAddress> to;
  if (info.Length() > 2 && info[2].IsString()) {
    if (info.Length() < 4 || !info[3].IsNumber()) throwTypeError(env, "a redirect port is required");
    to = requireAddress(env, info[2].As<Napi::String>().Utf8Value(), info[3].As<Napi::Number>().DoubleValue());
  }
  session_->setRedirect(kind, media, to);
  return env.Undefined();
}

Napi::Value MediaSessionWrap::setSource(const Napi::CallbackInfo& info) {
  media::MediaKind media = mediaKindFromJs(info.Env(), info[0]);
  FanoutSourceWrap* source = info.Length() > 1 ? FanoutSourceWrap::from(info[1]) : nullptr;
  if (!source && info.Length() > 1 && !info[1].IsNull() && !info[1].IsUndefined())
    throwTypeError(info.Env(), "source must be a FanoutSource or null");
  auto& ref = sources_[media::index(media)];
  ref.Reset();
  if (source) ref = Napi::Persistent(info[1].As<Napi::Object>());
  session_->setSource(media, source ? &source->source() : nullptr);
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::requestKeyframe(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), session_->requestKeyframe());
}

Napi::Value MediaSessionWrap::onConnected(const Napi::CallbackInfo& info) {
  session_->onConnected(int64Arg(info, 0, "nowUs"));
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::onDisconnected(const Napi::CallbackInfo& info) {
  session_->onDisconnected();
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::onUserRtp(const Napi::CallbackInfo& info) {
  media::MediaKind media = mediaKindFromJs(info.Env(), info[0]);
  int64_t nowUs = int64Arg(info, 2, "nowUs");
  if (FanoutSourceWrap* source = FanoutSourceWrap::from(info[1])) {
    // What a port does: the datagram its source ingested last, with the header parsed there.
    session_->onUserRtp(media, source->datagram().data(), source->datagram().size(), source->header(), nowUs);
  } else {
    std::vector<uint8_t> datagram = requireBytes(info.Env(), info[1], "datagram");
    auto header = rtp::RtpHeader::parse(datagram.data(), datagram.size());
    session_->onUserRtp(media, datagram.data(), datagram.size(), header ? &*header : nullptr, nowUs);
  }
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::onUserRtcp(const Napi::CallbackInfo& info) {
  media::MediaKind media = mediaKindFromJs(info.Env(), info[0]);
  std::vector<uint8_t> datagram = requireBytes(info.Env(), info[1], "datagram");
  session_->onUserRtcp(media, datagram.data(), datagram.size());
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::onPeerRtp(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> datagram = requireBytes(info.Env(), info[0], "datagram");
  // As the transport hands it over: with the header SRTP parsed, its padding unread.
  auto header = rtp::RtpHeader::parse(datagram.data(), datagram.size(), false);
  session_->onPeerRtp(datagram.data(), datagram.size(), header ? &*header : nullptr, int64Arg(info, 1, "nowUs"));
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::onPeerRtcp(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> datagram = requireBytes(info.Env(), info[0], "datagram");
  session_->onPeerRtcp(datagram.data(), datagram.size(), int64Arg(info, 1, "nowUs"));
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::nextTimeout(const Napi::CallbackInfo& info) {
  auto next = session_->nextTimeout();
  return next ? Napi::Number::New(info.Env(), static_cast<double>(*next)) : info.Env().Null();
}

Napi::Value MediaSessionWrap::handleTimeout(const Napi::CallbackInfo& info) {
  session_->handleTimeout(int64Arg(info, 0, "nowUs"));
  return info.Env().Undefined();
}

Napi::Value MediaSessionWrap::takeOutput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env, sent_.size());
  for (size_t i = 0; i < sent_.size(); ++i) {
    const Sent& s = sent_[i];
    Napi::Object o = Napi::Object::New(env);
    bool toUser = s.to == "user";
    o.Set("to", toUser ? "user" : "peer");
    if (toUser) {
      o.Set("ip", s.address.ipString());
      o.Set("port", s.address.port());
    } else {
      o.Set("kind", s.to == "peer-rtp" ? "rtp" : "rtcp");
    }
    o.Set("data", copyToBuffer(env, s.data.data(), s.data.size()));
    list.Set(static_cast<uint32_t>(i), o);
  }
  sent_.clear();
  return list;
}

Napi::Value MediaSessionWrap::routingStats(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  for (const auto& [name, value] : routingCounters(session_->routingStats())) o.Set(name, static_cast<double>(value));
  return o;
}

Napi::Value MediaSessionWrap::mediaStats(const Napi::CallbackInfo& info) { return mediaStatsToJs(info.Env(), session_->mediaStats()); }

bool MediaSessionWrap::sendRtpToPeer(uint8_t* packet, size_t size, size_t capacity, const rtp::RtpHeader* header) {
  if (sent_.size() >= kMaxRecorded || capacity < size + srtp::kProtectHeadroom) return false;
  // What SRTP would protect the packet with: the header handed along must be the packet's own.
  auto actual = rtp::RtpHeader::parse(packet, size);
  if (header && (!actual || actual->ssrc != header->ssrc || actual->sequenceNumber != header->sequenceNumber ||
                 actual->headerLength != header->headerLength))
    throwWithCode(Env(), "ERR_HEADER_MISMATCH", "the RTP header passed along does not match the packet");
  sent_.push_back({"peer-rtp", {}, std::vector<uint8_t>(packet, packet + size)});
  return true;
}

bool MediaSessionWrap::sendRtcpToPeer(uint8_t* packet, size_t size, size_t capacity) {
  if (sent_.size() >= kMaxRecorded || capacity < size + srtp::kProtectHeadroom) return false;
  sent_.push_back({"peer-rtcp", {}, std::vector<uint8_t>(packet, packet + size)});
  return true;
}

void MediaSessionWrap::sendToUser(const net::SocketAddress& to, const uint8_t* data, size_t size) {
  if (sent_.size() < kMaxRecorded) sent_.push_back({"user", to, std::vector<uint8_t>(data, data + size)});
}

}  // namespace wg::binding
