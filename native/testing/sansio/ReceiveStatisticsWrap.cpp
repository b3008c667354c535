#include "ReceiveStatisticsWrap.hpp"

#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"
#include "RtcpFunctions.hpp"

namespace wg::binding {

Napi::Function ReceiveStatisticsWrap::define(Napi::Env env) {
  return DefineClass(env, "ReceiveStatistics",
                     {
                         InstanceMethod<&ReceiveStatisticsWrap::onPacket>("onPacket"),
                         InstanceMethod<&ReceiveStatisticsWrap::onSenderReport>("onSenderReport"),
                         InstanceMethod<&ReceiveStatisticsWrap::makeReportBlock>("makeReportBlock"),
                         InstanceMethod<&ReceiveStatisticsWrap::stats>("stats"),
                     });
}

ReceiveStatisticsWrap::ReceiveStatisticsWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<ReceiveStatisticsWrap>(info) {
  stats_.emplace(uint32Arg(info, 0, "ssrc"), uint32Arg(info, 1, "clockRate"));
}

Napi::Value ReceiveStatisticsWrap::onPacket(const Napi::CallbackInfo& info) {
  uint32_t seq = uint32Arg(info, 0, "seq");
  if (seq > 0xFFFF) throwTypeError(info.Env(), "seq must fit 16 bits");
  uint32_t timestamp = uint32Arg(info, 1, "rtpTimestamp");
  int64_t arrivalUs = int64Arg(info, 2, "arrivalUs");
  uint32_t bytes = uint32Arg(info, 3, "bytes");
  bool retransmission = info.Length() > 4 && info[4].ToBoolean();
  stats_->onPacket(static_cast<uint16_t>(seq), timestamp, arrivalUs, bytes, retransmission);
  return info.Env().Undefined();
}

Napi::Value ReceiveStatisticsWrap::onSenderReport(const Napi::CallbackInfo& info) {
  stats_->onSenderReport(bigUint64Arg(info, 0, "ntpTimestamp"), int64Arg(info, 1, "arrivalUs"));
  return info.Env().Undefined();
}

Napi::Value ReceiveStatisticsWrap::makeReportBlock(const Napi::CallbackInfo& info) {
  return reportBlockToJs(info.Env(), stats_->makeReportBlock(int64Arg(info, 0, "nowUs")));
}

Napi::Value ReceiveStatisticsWrap::stats(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("ssrc", static_cast<double>(stats_->ssrc()));
  o.Set("clockRate", static_cast<double>(stats_->clockRate()));
  o.Set("packets", static_cast<double>(stats_->packets()));
  o.Set("bytes", static_cast<double>(stats_->bytes()));
  o.Set("cumulativeLost", static_cast<double>(stats_->cumulativeLost()));
  o.Set("jitter", static_cast<double>(stats_->jitter()));
  o.Set("jitterSeconds", stats_->jitterSeconds());
  o.Set("extendedHighestSequence", static_cast<double>(stats_->extendedHighestSequence()));
  o.Set("restarts", static_cast<double>(stats_->restarts()));
  return o;
}

}  // namespace wg::binding
