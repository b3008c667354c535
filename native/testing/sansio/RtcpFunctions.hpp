#pragma once

#include "../../core/rtcp/RtcpWriters.hpp"

#include <napi.h>

#include <cstdint>

namespace wg::binding {

// The RTCP writers and receive-side RTCP state of the sans-IO core, for unit tests:
//   functions rtcpWriteSenderReport, rtcpWriteReceiverReport, rtcpWriteSdesCname,
//   rtcpWriteGenericNack, rtcpWriteRemb, rtcpReadReportBlock, rtcpNackedSequences,
//   rtpFindHeaderExtension, ntpFromUnixMicros, microsToQ16, q16ToMicros, rtcpRoundTripMicros;
//   classes ReceiveStatistics, NackGenerator, RtcpSession, RetransmissionSender, TransportWideFeedback.
void addRtcpFunctions(Napi::Env env, Napi::Object target);

// Shared by the wrappers: an integer argument that must be a number (microseconds and the like).
int64_t int64Arg(const Napi::CallbackInfo& info, size_t index, const char* name);
// A 64-bit NTP timestamp argument, given as a BigInt.
uint64_t bigUint64Arg(const Napi::CallbackInfo& info, size_t index, const char* name);
Napi::Object reportBlockToJs(Napi::Env env, const rtcp::ReportBlock& b);

}  // namespace wg::binding
