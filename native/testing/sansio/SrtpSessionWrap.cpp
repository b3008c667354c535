#include "SrtpSessionWrap.hpp"

#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"

#include <cstring>

namespace wg::binding {

namespace {
const char* statusName(srtp::SrtpStatus status) {
  switch (status) {
    case srtp::SrtpStatus::Ok: return "ok";
    case srtp::SrtpStatus::Malformed: return "malformed";
    case srtp::SrtpStatus::NoRoom: return "no-room";
    case srtp::SrtpStatus::AuthFailed: return "auth-failed";
    case srtp::SrtpStatus::Replayed: return "replayed";
    case srtp::SrtpStatus::TooManyStreams: return "too-many-streams";
    case srtp::SrtpStatus::CryptoError: return "crypto-error";
  }
  return "unknown";
}

void copyKey(Napi::Env env, const Napi::Object& keys, const char* name, uint8_t* out, size_t length, bool optional) {
  Napi::Value v = keys.Get(name);
  if (optional && v.IsUndefined()) return;
  std::vector<uint8_t> bytes = requireBytes(env, v, name);
  if (bytes.size() != length) throwTypeError(env, std::string(name) + " must have " + std::to_string(length) + " bytes");
  std::memcpy(out, bytes.data(), length);
}

srtp::SessionKeys sessionKeysFromJs(Napi::Env env, const Napi::Value& v, srtp::Profile profile) {
  if (!v.IsObject()) throwTypeError(env, "sessionKeys.rtp and sessionKeys.rtcp must be objects");
  Napi::Object o = v.As<Napi::Object>();
  srtp::ProfileParameters p = srtp::parameters(profile);
  srtp::SessionKeys keys;
  copyKey(env, o, "key", keys.cipherKey, 16, false);
  copyKey(env, o, "salt", keys.salt, p.sessionSaltLength, false);
  copyKey(env, o, "auth", keys.authKey, 20, p.authKeyLength == 0);
  return keys;
}
}  // namespace

Napi::Function SrtpSessionWrap::define(Napi::Env env) {
  return DefineClass(env, "SrtpSession",
                     {
                         InstanceMethod<&SrtpSessionWrap::protectRtp>("protectRtp"),
                         InstanceMethod<&SrtpSessionWrap::protectRtcp>("protectRtcp"),
                         InstanceMethod<&SrtpSessionWrap::unprotectRtp>("unprotectRtp"),
                         InstanceMethod<&SrtpSessionWrap::unprotectRtcp>("unprotectRtcp"),
                         InstanceMethod<&SrtpSessionWrap::setRolloverCounter>("setRolloverCounter"),
                         InstanceMethod<&SrtpSessionWrap::setSrtcpIndex>("setSrtcpIndex"),
                     });
}

SrtpSessionWrap::SrtpSessionWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SrtpSessionWrap>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throwTypeError(env, "SrtpSession options are required");
  Napi::Object o = info[0].As<Napi::Object>();
  srtp::Profile profile = requireProfile(env, requireString(o, "profile"));
  std::string direction = requireString(o, "direction");
  if (direction != "outbound" && direction != "inbound") throwTypeError(env, "direction must be outbound or inbound");
  auto dir = direction == "outbound" ? srtp::SrtpSession::Direction::Outbound : srtp::SrtpSession::Direction::Inbound;
  Napi::Value sessionKeys = o.Get("sessionKeys");
  if (sessionKeys.IsObject()) {
    Napi::Object keys = sessionKeys.As<Napi::Object>();
    session_ = srtp::SrtpSession::createWithSessionKeys(profile, sessionKeysFromJs(env, keys.Get("rtp"), profile),
                                                        sessionKeysFromJs(env, keys.Get("rtcp"), profile), dir);
  } else {
    srtp::ProfileParameters p = srtp::parameters(profile);
    std::vector<uint8_t> key = requireBytes(env, o.Get("masterKey"), "masterKey");
    std::vector<uint8_t> salt = requireBytes(env, o.Get("masterSalt"), "masterSalt");
    if (key.size() != p.masterKeyLength || salt.size() != p.masterSaltLength)
      throwTypeError(env, "masterKey/masterSalt have the wrong length for " + std::string(srtp::profileName(profile)));
    session_ = srtp::SrtpSession::create(profile, key.data(), salt.data(), dir);
  }
  if (!session_) throwWithCode(env, "ERR_CRYPTO", "OpenSSL could not set up the SRTP session");
}

Napi::Value SrtpSessionWrap::run(const Napi::CallbackInfo& info, bool protect, bool rtcp) {
  Napi::Env env = info.Env();
  if (info.Length() < 1) throwTypeError(env, "a packet is required");
  std::vector<uint8_t> packet = requireBytes(env, info[0], "packet");
  size_t length = packet.size();
  packet.resize(length + srtp::kProtectHeadroom);
  srtp::SrtpResult r{srtp::SrtpStatus::Ok, length};
  if (protect) {
    r = rtcp ? session_->protectRtcp(packet.data(), length, packet.size())
             : session_->protectRtp(packet.data(), length, packet.size());
  } else {
    r = rtcp ? session_->unprotectRtcp(packet.data(), length) : session_->unprotectRtp(packet.data(), length);
  }
  if (!r.ok()) {
    Napi::Object error = Napi::Object::New(env);
    error.Set("error", statusName(r.status));
    return error;
  }
  return copyToBuffer(env, packet.data(), r.length);
}

Napi::Value SrtpSessionWrap::protectRtp(const Napi::CallbackInfo& info) { return run(info, true, false); }
Napi::Value SrtpSessionWrap::protectRtcp(const Napi::CallbackInfo& info) { return run(info, true, true); }
Napi::Value SrtpSessionWrap::unprotectRtp(const Napi::CallbackInfo& info) { return run(info, false, false); }
Napi::Value SrtpSessionWrap::unprotectRtcp(const Napi::CallbackInfo& info) { return run(info, false, true); }

Napi::Value SrtpSessionWrap::setRolloverCounter(const Napi::CallbackInfo& info) {
  session_->setRolloverCounter(uint32Arg(info, 0, "ssrc"), uint32Arg(info, 1, "roc"));
  return info.Env().Undefined();
}

Napi::Value SrtpSessionWrap::setSrtcpIndex(const Napi::CallbackInfo& info) {
  session_->setSrtcpIndex(uint32Arg(info, 0, "ssrc"), uint32Arg(info, 1, "index"));
  return info.Env().Undefined();
}

}  // namespace wg::binding
