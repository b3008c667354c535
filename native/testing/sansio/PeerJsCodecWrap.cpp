#include "PeerJsCodecWrap.hpp"

#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"

namespace wg::binding {

using datachannel::DecodedMessage;

Napi::Function PeerJsCodecWrap::define(Napi::Env env) {
  return DefineClass(env, "PeerJsCodec",
                     {
                         InstanceMethod<&PeerJsCodecWrap::encode>("encode"),
                         InstanceMethod<&PeerJsCodecWrap::decode>("decode"),
                     });
}

PeerJsCodecWrap::PeerJsCodecWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PeerJsCodecWrap>(info) {
  if (info.Length() < 1 || !info[0].IsString()) throwTypeError(info.Env(), "serialization must be a string");
  auto serialization = datachannel::serializationFromName(info[0].As<Napi::String>().Utf8Value());
  if (!serialization) throwTypeError(info.Env(), "serialization must be NONE, JSON, BINARY or BINARY_UTF8");
  codec_.emplace(*serialization);
}

Napi::Value PeerJsCodecWrap::encode(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsTypedArray()) throwTypeError(info.Env(), "datagram must be a Uint8Array");
  auto datagram = info[0].As<Napi::Uint8Array>();
  auto refused = codec_->encode(datagram.Data(), datagram.ByteLength(), spans_);
  if (refused) return Napi::String::New(info.Env(), datachannel::dropReasonName(*refused));
  Napi::Array messages = Napi::Array::New(info.Env(), spans_.size());
  for (size_t k = 0; k < spans_.size(); ++k) {
    messages.Set(static_cast<uint32_t>(k), copyToBuffer(info.Env(), spans_[k].data, spans_[k].size));
  }
  return messages;
}

Napi::Value PeerJsCodecWrap::decode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsBoolean()) {
    throwTypeError(env, "decode(message: Uint8Array, binary: boolean)");
  }
  auto message = info[0].As<Napi::Uint8Array>();
  DecodedMessage m = codec_->decode(info[1].As<Napi::Boolean>().Value(), message.Data(), message.ByteLength());
  Napi::Object out = Napi::Object::New(env);
  switch (m.kind) {
    case DecodedMessage::Kind::Datagram:
      out.Set("kind", "datagram");
      out.Set("datagram", copyToBuffer(env, m.data, m.size));
      break;
    case DecodedMessage::Kind::Close: out.Set("kind", "close"); break;
    case DecodedMessage::Kind::Partial: out.Set("kind", "partial"); break;
    case DecodedMessage::Kind::Drop:
      out.Set("kind", "drop");
      out.Set("reason", datachannel::dropReasonName(m.reason));
      break;
    case DecodedMessage::Kind::ToJs:
      out.Set("kind", "to-js");
      out.Set("packed", copyToBuffer(env, m.data, m.size));
      break;
  }
  out.Set("evicted", m.evicted);
  return out;
}

}  // namespace wg::binding
