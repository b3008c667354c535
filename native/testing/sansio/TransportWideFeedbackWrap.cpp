#include "TransportWideFeedbackWrap.hpp"

#include "../JsExports.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"
#include "RtcpFunctions.hpp"

#include <vector>

namespace wg::binding {

Napi::Function TransportWideFeedbackWrap::define(Napi::Env env) {
  return DefineClass(env, "TransportWideFeedback",
                     {
                         InstanceMethod<&TransportWideFeedbackWrap::onPacket>("onPacket"),
                         InstanceMethod<&TransportWideFeedbackWrap::hasPending>("hasPending"),
                         InstanceMethod<&TransportWideFeedbackWrap::pendingCount>("pendingCount"),
                         InstanceMethod<&TransportWideFeedbackWrap::writeFeedback>("writeFeedback"),
                         InstanceMethod<&TransportWideFeedbackWrap::stats>("stats"),
                     });
}

TransportWideFeedbackWrap::TransportWideFeedbackWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<TransportWideFeedbackWrap>(info), feedback_(std::make_unique<rtcp::TransportWideFeedback>()) {}

Napi::Value TransportWideFeedbackWrap::onPacket(const Napi::CallbackInfo& info) {
  uint32_t seq = uint32Arg(info, 0, "transportSequence");
  if (seq > 0xFFFF) throwTypeError(info.Env(), "transportSequence must fit 16 bits");
  feedback_->onPacket(static_cast<uint16_t>(seq), int64Arg(info, 1, "arrivalUs"));
  return info.Env().Undefined();
}

Napi::Value TransportWideFeedbackWrap::hasPending(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), feedback_->hasPending());
}

Napi::Value TransportWideFeedbackWrap::pendingCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(feedback_->pendingCount()));
}

Napi::Value TransportWideFeedbackWrap::writeFeedback(const Napi::CallbackInfo& info) {
  uint32_t sender = uint32Arg(info, 0, "senderSsrc");
  uint32_t media = uint32Arg(info, 1, "mediaSsrc");
  size_t capacity = info.Length() > 2 && !info[2].IsUndefined() ? uint32Arg(info, 2, "capacity") : 1200;
  std::vector<uint8_t> out(capacity);
  size_t n = feedback_->writeFeedback(out.data(), out.size(), sender, media);
  if (n == 0) return info.Env().Null();
  return copyToBuffer(info.Env(), out.data(), n);
}

Napi::Value TransportWideFeedbackWrap::stats(const Napi::CallbackInfo& info) {
  return numbersToJs(info.Env(),
                     {
                         {"late", feedback_->late()},
                         {"duplicates", feedback_->duplicates()},
                         {"dropped", feedback_->dropped()},
                         {"feedbackPackets", feedback_->feedbackPackets()},
                     });
}

}  // namespace wg::binding
