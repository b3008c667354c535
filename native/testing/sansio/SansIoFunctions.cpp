#include "SansIoFunctions.hpp"

#include "../../core/rtcp/RtcpCompound.hpp"
#include "../../core/rtp/RtpHeader.hpp"
#include "../../core/srtp/SrtpKeyDerivation.hpp"
#include "../../core/stun/StunMessage.hpp"
#include "../../core/stun/StunMessageBuilder.hpp"
#include "../JsExports.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"

namespace wg::binding {

namespace {
const char* className(stun::MessageClass c) {
  switch (c) {
    case stun::MessageClass::Request: return "request";
    case stun::MessageClass::Indication: return "indication";
    case stun::MessageClass::SuccessResponse: return "success";
    case stun::MessageClass::ErrorResponse: return "error";
  }
  return "request";
}

std::string hex(const uint8_t* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < size; ++i) {
    s += kHex[data[i] >> 4];
    s += kHex[data[i] & 0xF];
  }
  return s;
}

// stunParse(bytes, key?) → null for anything that is not one well-formed STUN message.
Napi::Value stunParse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<uint8_t> bytes = requireBytes(env, info[0], "message");
  auto m = stun::StunMessage::parse(bytes.data(), bytes.size());
  if (!m) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("method", m->method());
  o.Set("class", className(m->messageClass()));
  o.Set("transactionId", hex(m->transactionId().data(), 12));
  if (auto u = m->username()) o.Set("username", std::string(*u));
  if (auto p = m->priority()) o.Set("priority", static_cast<double>(*p));
  if (m->iceControlling()) o.Set("iceControlling", hex(m->value(*m->find(stun::attr::IceControlling)), 8));
  if (m->iceControlled()) o.Set("iceControlled", hex(m->value(*m->find(stun::attr::IceControlled)), 8));
  o.Set("useCandidate", m->hasUseCandidate());
  if (auto a = m->xorMappedAddress()) o.Set("xorMappedAddress", a->toString());
  if (auto e = m->errorCode()) {
    Napi::Object error = Napi::Object::New(env);
    error.Set("code", e->code);
    error.Set("reason", std::string(e->reason));
    o.Set("errorCode", error);
  }
  if (const auto* s = m->find(stun::attr::Software))
    o.Set("software", std::string(reinterpret_cast<const char*>(m->value(*s)), s->length));
  if (const auto* r = m->find(stun::attr::Realm))
    o.Set("realm", std::string(reinterpret_cast<const char*>(m->value(*r)), r->length));
  if (const auto* n = m->find(stun::attr::Nonce))
    o.Set("nonce", std::string(reinterpret_cast<const char*>(m->value(*n)), n->length));
  o.Set("hasMessageIntegrity", m->hasMessageIntegrity());
  o.Set("hasFingerprint", m->hasFingerprint());
  o.Set("fingerprintValid", m->hasFingerprint() && m->verifyFingerprint());
  if (info.Length() > 1 && info[1].IsTypedArray()) {
    std::vector<uint8_t> key = requireBytes(env, info[1], "key");
    o.Set("integrityValid", m->verifyMessageIntegrity(key.data(), key.size()));
  }
  return o;
}

// stunBuild({method, class, transactionId (Buffer), attributes: [{type, value (Buffer)}],
//            integrityKey?, fingerprint?}) → Buffer
Napi::Value stunBuild(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throwTypeError(env, "stunBuild(options)");
  Napi::Object o = info[0].As<Napi::Object>();
  std::string cls = requireString(o, "class");
  stun::MessageClass c = cls == "request"      ? stun::MessageClass::Request
                         : cls == "indication" ? stun::MessageClass::Indication
                         : cls == "success"    ? stun::MessageClass::SuccessResponse
                                               : stun::MessageClass::ErrorResponse;
  std::vector<uint8_t> tid = requireBytes(env, o.Get("transactionId"), "transactionId");
  if (tid.size() != 12) throwTypeError(env, "transactionId must have 12 bytes");
  stun::TransactionId id;
  std::copy(tid.begin(), tid.end(), id.begin());
  uint8_t buffer[2048];
  stun::StunMessageBuilder b(buffer, sizeof(buffer), static_cast<uint16_t>(requireNumber(o, "method")), c, id);
  Napi::Value attributes = o.Get("attributes");
  if (attributes.IsArray()) {
    Napi::Array list = attributes.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      Napi::Object a = list.Get(i).As<Napi::Object>();
      std::vector<uint8_t> value = requireBytes(env, a.Get("value"), "attribute value");
      b.addBytes(static_cast<uint16_t>(requireNumber(a, "type")), value.data(), value.size());
    }
  }
  if (o.Get("integrityKey").IsTypedArray()) {
    std::vector<uint8_t> key = requireBytes(env, o.Get("integrityKey"), "integrityKey");
    b.addMessageIntegrity(key.data(), key.size());
  }
  if (o.Get("fingerprint").ToBoolean()) b.addFingerprint();
  if (!b.ok()) throwWithCode(env, "ERR_STUN_TOO_LARGE", "the message does not fit in 2048 bytes");
  return copyToBuffer(env, b.data(), b.size());
}

// deriveSrtpKey(masterKey, masterSalt, label, length) → Buffer (RFC 3711 section 4.3).
Napi::Value deriveSrtpKey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<uint8_t> key = requireBytes(env, info[0], "masterKey");
  std::vector<uint8_t> salt = requireBytes(env, info[1], "masterSalt");
  uint32_t label = uint32Arg(info, 2, "label");
  uint32_t length = uint32Arg(info, 3, "length");
  if (key.size() != 16 || (salt.size() != 14 && salt.size() != 12) || label > 5 || length > 64)
    throwTypeError(env, "deriveSrtpKey(key16, salt14|12, label 0..5, length <= 64)");
  uint8_t out[64];
  if (!srtp::deriveKey(key.data(), salt.data(), salt.size(), static_cast<srtp::KeyLabel>(label), out, length))
    throwWithCode(env, "ERR_CRYPTO", "key derivation failed");
  return copyToBuffer(env, out, length);
}

Napi::Value rtpParse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<uint8_t> bytes = requireBytes(env, info[0], "packet");
  auto h = rtp::RtpHeader::parse(bytes.data(), bytes.size());
  if (!h) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("payloadType", h->payloadType);
  o.Set("marker", h->marker);
  o.Set("sequenceNumber", h->sequenceNumber);
  o.Set("timestamp", static_cast<double>(h->timestamp));
  o.Set("ssrc", static_cast<double>(h->ssrc));
  o.Set("csrcCount", h->csrcCount);
  o.Set("extensionProfile", h->extension ? Napi::Value(Napi::Number::New(env, h->extensionProfile)) : env.Null());
  o.Set("extensionLength", static_cast<double>(h->extensionLength));
  o.Set("headerLength", static_cast<double>(h->headerLength));
  o.Set("paddingLength", static_cast<double>(h->paddingLength));
  o.Set("payloadLength", static_cast<double>(h->payloadLength(bytes.size())));
  return o;
}

Napi::Value rtcpParse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<uint8_t> bytes = requireBytes(env, info[0], "packet");
  rtcp::RtcpCompound compound(bytes.data(), bytes.size());
  if (!compound.valid()) return env.Null();
  Napi::Array list = Napi::Array::New(env);
  rtcp::RtcpPacketView p;
  uint32_t i = 0;
  while (compound.next(p)) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("type", p.type);
    o.Set("count", p.count);
    o.Set("size", static_cast<double>(p.size));
    o.Set("senderSsrc", static_cast<double>(p.senderSsrc));
    list.Set(i++, o);
  }
  return list;
}
}  // namespace

void addSansIoFunctions(Napi::Env env, Napi::Object target) {
  exportFunctions(env, target,
                  {
                      {"stunParse", stunParse},
                      {"stunBuild", stunBuild},
                      {"deriveSrtpKey", deriveSrtpKey},
                      {"rtpParse", rtpParse},
                      {"rtcpParse", rtcpParse},
                  });
}

}  // namespace wg::binding
