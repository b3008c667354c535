#pragma once

#include "../../core/media/MediaSession.hpp"

#include <napi.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace wg::binding {

// `new sansio.MediaSession({receiverSsrc?, rtxFirstSequence?, ntpAnchorUs?, ntpAnchor?: bigint})`:
// one connection's media policy (sans-IO), for unit tests. Control: setOutboundStream(kind,
// config | null), setInboundRoutes(routes), expectRemoteSsrc(ssrc, kind), expectRemoteRtx(rtxSsrc,
// ssrc), setFeedback(feedback, nowUs), setRedirect('rtp' | 'rtcp', kind, ip | null, port?),
// setSource(kind, FanoutSource | null), requestKeyframe() -> sent. Inputs: onConnected(nowUs),
// onDisconnected(), onUserRtp(kind, FanoutSource | datagram, nowUs), onUserRtcp(kind, datagram),
// onPeerRtp(datagram, nowUs) (with the header parsed as SRTP does), onPeerRtcp(datagram, nowUs), nextTimeout() -> number | null,
// handleTimeout(nowUs). takeOutput() -> [{to: 'peer', kind: 'rtp' | 'rtcp', data} |
// {to: 'user', ip, port, data}] in the order sent; routingStats(); mediaStats().
class MediaSessionWrap : public Napi::ObjectWrap<MediaSessionWrap>, private media::MediaSession::Output {
public:
  static Napi::Function define(Napi::Env env);
  explicit MediaSessionWrap(const Napi::CallbackInfo& info);

private:
  Napi::Value setOutboundStream(const Napi::CallbackInfo& info);
  Napi::Value setInboundRoutes(const Napi::CallbackInfo& info);
  Napi::Value expectRemoteSsrc(const Napi::CallbackInfo& info);
  Napi::Value expectRemoteRtx(const Napi::CallbackInfo& info);
  Napi::Value setFeedback(const Napi::CallbackInfo& info);
  Napi::Value setRedirect(const Napi::CallbackInfo& info);
  Napi::Value setSource(const Napi::CallbackInfo& info);
  Napi::Value requestKeyframe(const Napi::CallbackInfo& info);
  Napi::Value onConnected(const Napi::CallbackInfo& info);
  Napi::Value onDisconnected(const Napi::CallbackInfo& info);
  Napi::Value onUserRtp(const Napi::CallbackInfo& info);
  Napi::Value onUserRtcp(const Napi::CallbackInfo& info);
  Napi::Value onPeerRtp(const Napi::CallbackInfo& info);
  Napi::Value onPeerRtcp(const Napi::CallbackInfo& info);
  Napi::Value nextTimeout(const Napi::CallbackInfo& info);
  Napi::Value handleTimeout(const Napi::CallbackInfo& info);
  Napi::Value takeOutput(const Napi::CallbackInfo& info);
  Napi::Value routingStats(const Napi::CallbackInfo& info);
  Napi::Value mediaStats(const Napi::CallbackInfo& info);

  // media::MediaSession::Output: recorded, in order.
  bool sendRtpToPeer(uint8_t* packet, size_t size, size_t capacity, const rtp::RtpHeader* header) override;
  bool sendRtcpToPeer(uint8_t* packet, size_t size, size_t capacity) override;
  void sendToUser(const net::SocketAddress& to, const uint8_t* data, size_t size) override;

  struct Sent {
    std::string to;  // "peer-rtp", "peer-rtcp" or "user"
    net::SocketAddress address;
    std::vector<uint8_t> data;
  };
  std::vector<Sent> sent_;
  std::vector<uint8_t> scratch_;
  std::unique_ptr<media::MediaSession> session_;
  // Keeps the sources set with setSource() alive while the session points at them.
  std::array<Napi::ObjectReference, media::kMediaKinds> sources_;
};

}  // namespace wg::binding
