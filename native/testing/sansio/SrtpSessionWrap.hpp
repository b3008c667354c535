#pragma once

#include "../../core/srtp/SrtpSession.hpp"

#include <napi.h>

#include <memory>

namespace wg::binding {

// `new sansio.SrtpSession({profile, direction, masterKey, masterSalt})` or with
// `sessionKeys: {rtp: {key, salt, auth}, rtcp: {...}}`: the core's SRTP session, for test
// vectors and tools. Each call copies the packet, so it is not a media path.
class SrtpSessionWrap : public Napi::ObjectWrap<SrtpSessionWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit SrtpSessionWrap(const Napi::CallbackInfo& info);

private:
  Napi::Value protectRtp(const Napi::CallbackInfo& info);
  Napi::Value protectRtcp(const Napi::CallbackInfo& info);
  Napi::Value unprotectRtp(const Napi::CallbackInfo& info);
  Napi::Value unprotectRtcp(const Napi::CallbackInfo& info);
  Napi::Value setRolloverCounter(const Napi::CallbackInfo& info);
  Napi::Value setSrtcpIndex(const Napi::CallbackInfo& info);
  Napi::Value run(const Napi::CallbackInfo& info, bool protect, bool rtcp);

  std::unique_ptr<srtp::SrtpSession> session_;
};

}  // namespace wg::binding
