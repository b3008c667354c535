#include "TurnFunctions.hpp"

#include "../../core/turn/ChannelData.hpp"
#include "../../core/turn/TurnCredentials.hpp"
#include "../../core/turn/TurnStreamDeframer.hpp"
#include "../JsExports.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"

#include <cstring>

namespace wg::binding {

namespace {
// turnLongTermKey('md5' | 'sha-256', username, realm, password) → Buffer (RFC 8489 section 9.2.2).
Napi::Value turnLongTermKey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4) throwTypeError(env, "turnLongTermKey(algorithm, username, realm, password)");
  for (size_t i = 0; i < 4; ++i) {
    if (!info[i].IsString()) throwTypeError(env, "turnLongTermKey takes four strings");
  }
  std::string algorithm = info[0].As<Napi::String>().Utf8Value();
  if (algorithm != "md5" && algorithm != "sha-256") throwTypeError(env, "algorithm must be md5 or sha-256");
  uint8_t key[32];
  size_t size = turn::longTermKey(algorithm == "md5" ? turn::PasswordAlgorithm::Md5 : turn::PasswordAlgorithm::Sha256,
                                  info[1].As<Napi::String>().Utf8Value(), info[2].As<Napi::String>().Utf8Value(),
                                  info[3].As<Napi::String>().Utf8Value(), key);
  if (size == 0) throwWithCode(env, "ERR_CRYPTO", "digest failed");
  return copyToBuffer(env, key, size);
}

// turnChannelData(channel, payload, stream) → the ChannelData message (RFC 8656 section 12.4/12.5).
Napi::Value turnChannelData(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t channel = uint32Arg(info, 0, "channel");
  std::vector<uint8_t> payload = requireBytes(env, info[1], "payload");
  bool stream = info.Length() > 2 && info[2].ToBoolean();
  if (!turn::isBindableChannel(static_cast<uint16_t>(channel)) || channel > 0xFFFF || payload.size() > 0xFFFF)
    throwTypeError(env, "turnChannelData(0x4000..0x4FFF, payload up to 65535 bytes, stream)");
  std::vector<uint8_t> out(turn::channelDataFrameSize(payload.size(), stream), 0);
  turn::writeChannelDataHeader(out.data(), static_cast<uint16_t>(channel), static_cast<uint16_t>(payload.size()));
  if (!payload.empty()) std::memcpy(out.data() + turn::kChannelDataHeaderSize, payload.data(), payload.size());
  return copyToBuffer(env, out.data(), out.size());
}

// turnDeframe(chunks) → { frames: Buffer[], failed, buffered }: a TURN byte stream cut anywhere.
Napi::Value turnDeframe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) throwTypeError(env, "turnDeframe(chunks)");
  Napi::Array chunks = info[0].As<Napi::Array>();
  turn::TurnStreamDeframer deframer;
  Napi::Array frames = Napi::Array::New(env);
  uint32_t count = 0;
  for (uint32_t i = 0; i < chunks.Length(); ++i) {
    std::vector<uint8_t> chunk = requireBytes(env, chunks.Get(i), "chunk");
    bool ok = deframer.push(chunk.data(), chunk.size(), [&](uint8_t* frame, size_t size) {
      frames.Set(count++, copyToBuffer(env, frame, size));
    });
    if (!ok) break;
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("frames", frames);
  o.Set("failed", deframer.failed());
  o.Set("buffered", static_cast<double>(deframer.buffered()));
  return o;
}
}  // namespace

void addTurnFunctions(Napi::Env env, Napi::Object target) {
  exportFunctions(env, target,
                  {
                      {"turnLongTermKey", turnLongTermKey},
                      {"turnChannelData", turnChannelData},
                      {"turnDeframe", turnDeframe},
                  });
}

}  // namespace wg::binding
