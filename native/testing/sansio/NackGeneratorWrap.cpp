#include "NackGeneratorWrap.hpp"

#include "../JsExports.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"
#include "RtcpFunctions.hpp"

namespace wg::binding {

Napi::Function NackGeneratorWrap::define(Napi::Env env) {
  return DefineClass(env, "NackGenerator",
                     {
                         InstanceMethod<&NackGeneratorWrap::onPacket>("onPacket"),
                         InstanceMethod<&NackGeneratorWrap::collectDue>("collectDue"),
                         InstanceMethod<&NackGeneratorWrap::nextDueUs>("nextDueUs"),
                         InstanceMethod<&NackGeneratorWrap::needsKeyframe>("needsKeyframe"),
                         InstanceMethod<&NackGeneratorWrap::stats>("stats"),
                     });
}

NackGeneratorWrap::NackGeneratorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NackGeneratorWrap>(info) {
  rtp::NackConfig c;
  if (info.Length() > 0 && info[0].IsObject()) {
    Napi::Object o = info[0].As<Napi::Object>();
    auto number = [&](const char* key, auto& field) {
      Napi::Value v = o.Get(key);
      if (v.IsUndefined()) return;
      if (!v.IsNumber()) throwTypeError(info.Env(), std::string(key) + " must be a number");
      field = static_cast<std::remove_reference_t<decltype(field)>>(v.As<Napi::Number>().Int64Value());
    };
    number("reorderDelayUs", c.reorderDelayUs);
    number("maxRetries", c.maxRetries);
    number("maxMissing", c.maxMissing);
    number("maxAgeUs", c.maxAgeUs);
    number("minRetryIntervalUs", c.minRetryIntervalUs);
    if (c.maxMissing > 65536) throwTypeError(info.Env(), "maxMissing must be at most 65536");
  }
  generator_.emplace(c);
}

Napi::Value NackGeneratorWrap::onPacket(const Napi::CallbackInfo& info) {
  uint32_t seq = uint32Arg(info, 0, "seq");
  if (seq > 0xFFFF) throwTypeError(info.Env(), "seq must fit 16 bits");
  return Napi::Boolean::New(info.Env(), generator_->onPacket(static_cast<uint16_t>(seq), int64Arg(info, 1, "nowUs")));
}

Napi::Value NackGeneratorWrap::collectDue(const Napi::CallbackInfo& info) {
  int64_t nowUs = int64Arg(info, 0, "nowUs");
  int64_t rttUs = int64Arg(info, 1, "rttUs");
  size_t capacity = info.Length() > 2 && !info[2].IsUndefined() ? uint32Arg(info, 2, "capacity") : 1024;
  due_.resize(capacity);
  size_t n = generator_->collectDue(nowUs, rttUs, due_.data(), due_.size());
  Napi::Array list = Napi::Array::New(info.Env(), n);
  for (size_t i = 0; i < n; ++i) list.Set(static_cast<uint32_t>(i), due_[i]);
  return list;
}

Napi::Value NackGeneratorWrap::nextDueUs(const Napi::CallbackInfo& info) {
  auto next = generator_->nextDueUs(int64Arg(info, 0, "rttUs"));
  if (!next) return info.Env().Null();
  return Napi::Number::New(info.Env(), static_cast<double>(*next));
}

Napi::Value NackGeneratorWrap::needsKeyframe(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), generator_->needsKeyframe());
}

Napi::Value NackGeneratorWrap::stats(const Napi::CallbackInfo& info) {
  return numbersToJs(info.Env(),
                     {
                         {"requested", generator_->requested()},
                         {"recovered", generator_->recovered()},
                         {"reordered", generator_->reordered()},
                         {"abandoned", generator_->abandoned()},
                         {"overflows", generator_->overflows()},
                         {"missing", generator_->missing()},
                     });
}

}  // namespace wg::binding
