#pragma once

#include "../../core/rtp/ReceiveStatistics.hpp"

#include <napi.h>

#include <optional>

namespace wg::binding {

// `new sansio.ReceiveStatistics(ssrc, clockRate)`: RFC 3550 reception statistics, for tests.
//   onPacket(seq, rtpTimestamp, arrivalUs, bytes, retransmission?), onSenderReport(ntp: bigint,
//   arrivalUs), makeReportBlock(nowUs) -> block, stats().
class ReceiveStatisticsWrap : public Napi::ObjectWrap<ReceiveStatisticsWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit ReceiveStatisticsWrap(const Napi::CallbackInfo& info);

private:
  Napi::Value onPacket(const Napi::CallbackInfo& info);
  Napi::Value onSenderReport(const Napi::CallbackInfo& info);
  Napi::Value makeReportBlock(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);

  std::optional<rtp::ReceiveStatistics> stats_;
};

}  // namespace wg::binding
