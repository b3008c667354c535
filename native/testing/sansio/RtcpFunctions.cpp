#include "RtcpFunctions.hpp"

#include "../../core/rtp/HeaderExtension.hpp"
#include "../../core/rtp/RtpHeader.hpp"
#include "../JsExports.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"
#include "NackGeneratorWrap.hpp"
#include "SharedSocketDemuxWrap.hpp"
#include "ReceiveStatisticsWrap.hpp"
#include "RetransmissionSenderWrap.hpp"
#include "RtcpSessionWrap.hpp"
#include "TransportWideFeedbackWrap.hpp"

#include <cmath>
#include <vector>

namespace wg::binding {

namespace {
constexpr size_t kDefaultCapacity = 1500;

// The optional last argument of the writers: the capacity they are given (default 1500).
size_t capacityArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined()) return kDefaultCapacity;
  return uint32Arg(info, index, "capacity");
}

Napi::Value bufferOrNull(Napi::Env env, const std::vector<uint8_t>& out, size_t size) {
  if (size == 0) return env.Null();
  return copyToBuffer(env, out.data(), size);
}

double numberOr(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throwTypeError(o.Env(), std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

rtcp::ReportBlock reportBlockFromJs(const Napi::Object& o) {
  rtcp::ReportBlock b;
  b.ssrc = static_cast<uint32_t>(numberOr(o, "ssrc", 0));
  b.fractionLost = static_cast<uint8_t>(numberOr(o, "fractionLost", 0));
  b.cumulativeLost = static_cast<int32_t>(numberOr(o, "cumulativeLost", 0));
  b.extendedHighestSequence = static_cast<uint32_t>(numberOr(o, "extendedHighestSequence", 0));
  b.jitter = static_cast<uint32_t>(numberOr(o, "jitter", 0));
  b.lastSenderReport = static_cast<uint32_t>(numberOr(o, "lastSenderReport", 0));
  b.delaySinceLastSenderReport = static_cast<uint32_t>(numberOr(o, "delaySinceLastSenderReport", 0));
  return b;
}

std::vector<rtcp::ReportBlock> reportBlocksArg(const Napi::CallbackInfo& info, size_t index) {
  std::vector<rtcp::ReportBlock> blocks;
  if (info.Length() <= index || !info[index].IsArray()) throwTypeError(info.Env(), "blocks must be an array");
  Napi::Array list = info[index].As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value v = list.Get(i);
    if (!v.IsObject()) throwTypeError(info.Env(), "a report block must be an object");
    blocks.push_back(reportBlockFromJs(v.As<Napi::Object>()));
  }
  return blocks;
}

template <class T>
std::vector<T> numbersArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsArray()) throwTypeError(info.Env(), std::string(name) + " must be an array");
  Napi::Array list = info[index].As<Napi::Array>();
  std::vector<T> out;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value v = list.Get(i);
    if (!v.IsNumber()) throwTypeError(info.Env(), std::string(name) + " must hold numbers");
    out.push_back(static_cast<T>(v.As<Napi::Number>().Int64Value()));
  }
  return out;
}

// rtcpWriteSenderReport(ssrc, {ntpTimestamp: bigint, rtpTimestamp, packetCount, octetCount}, blocks, capacity?)
Napi::Value writeSenderReport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t ssrc = uint32Arg(info, 0, "ssrc");
  Napi::Object o = objectArg(info, 1, "sender info");
  Napi::Value ntp = o.Get("ntpTimestamp");
  if (!ntp.IsBigInt()) throwTypeError(env, "ntpTimestamp must be a bigint");
  bool lossless = true;
  rtcp::SenderInfo s;
  s.ntpTimestamp = ntp.As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) throwTypeError(env, "ntpTimestamp must fit 64 unsigned bits");
  s.rtpTimestamp = static_cast<uint32_t>(numberOr(o, "rtpTimestamp", 0));
  s.packetCount = static_cast<uint32_t>(numberOr(o, "packetCount", 0));
  s.octetCount = static_cast<uint32_t>(numberOr(o, "octetCount", 0));
  std::vector<rtcp::ReportBlock> blocks = reportBlocksArg(info, 2);
  std::vector<uint8_t> out(capacityArg(info, 3));
  return bufferOrNull(env, out, rtcp::writeSenderReport(out.data(), out.size(), ssrc, s, blocks.data(), blocks.size()));
}

// rtcpWriteReceiverReport(ssrc, blocks, capacity?)
Napi::Value writeReceiverReport(const Napi::CallbackInfo& info) {
  uint32_t ssrc = uint32Arg(info, 0, "ssrc");
  std::vector<rtcp::ReportBlock> blocks = reportBlocksArg(info, 1);
  std::vector<uint8_t> out(capacityArg(info, 2));
  return bufferOrNull(info.Env(), out, rtcp::writeReceiverReport(out.data(), out.size(), ssrc, blocks.data(), blocks.size()));
}

// rtcpWriteSdesCname(ssrc, cname, capacity?)
Napi::Value writeSdesCname(const Napi::CallbackInfo& info) {
  uint32_t ssrc = uint32Arg(info, 0, "ssrc");
  if (info.Length() < 2 || !info[1].IsString()) throwTypeError(info.Env(), "cname must be a string");
  std::string cname = info[1].As<Napi::String>().Utf8Value();
  std::vector<uint8_t> out(capacityArg(info, 2));
  return bufferOrNull(info.Env(), out, rtcp::writeSourceDescriptionCname(out.data(), out.size(), ssrc, cname));
}

// rtcpWriteGenericNack(senderSsrc, mediaSsrc, sequences, capacity?)
Napi::Value writeGenericNack(const Napi::CallbackInfo& info) {
  uint32_t sender = uint32Arg(info, 0, "senderSsrc");
  uint32_t media = uint32Arg(info, 1, "mediaSsrc");
  std::vector<uint16_t> seqs = numbersArg<uint16_t>(info, 2, "sequences");
  std::vector<uint8_t> out(capacityArg(info, 3));
  return bufferOrNull(info.Env(), out, rtcp::writeGenericNack(out.data(), out.size(), sender, media, seqs.data(), seqs.size()));
}

// rtcpWriteRemb(senderSsrc, bitrateBps, ssrcs, capacity?)
Napi::Value writeRemb(const Napi::CallbackInfo& info) {
  uint32_t sender = uint32Arg(info, 0, "senderSsrc");
  if (info.Length() < 2 || !info[1].IsNumber()) throwTypeError(info.Env(), "bitrateBps must be a number");
  double bitrate = info[1].As<Napi::Number>().DoubleValue();
  if (!(bitrate >= 0) || bitrate > 9.0e15) throwTypeError(info.Env(), "bitrateBps must be a non-negative safe integer");
  std::vector<uint32_t> ssrcs = numbersArg<uint32_t>(info, 2, "ssrcs");
  std::vector<uint8_t> out(capacityArg(info, 3));
  return bufferOrNull(info.Env(), out,
                      rtcp::writeRemb(out.data(), out.size(), sender, static_cast<uint64_t>(bitrate), ssrcs.data(), ssrcs.size()));
}

// rtcpReadReportBlock(bytes) -> block | null
Napi::Value readReportBlock(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> bytes = requireBytes(info.Env(), info[0], "report block");
  rtcp::ReportBlock b;
  if (!rtcp::readReportBlock(bytes.data(), bytes.size(), b)) return info.Env().Null();
  return reportBlockToJs(info.Env(), b);
}

// rtcpNackedSequences(fci) -> the sequence numbers a generic NACK's FCI names, in order.
Napi::Value nackedSequences(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> fci = requireBytes(info.Env(), info[0], "fci");
  Napi::Array list = Napi::Array::New(info.Env());
  uint32_t i = 0;
  rtcp::forEachNackedSequence(fci.data(), fci.size(), [&](uint16_t seq) { list.Set(i++, seq); });
  return list;
}

// rtpFindHeaderExtension(packet, id) -> the element's data, or null.
Napi::Value findHeaderExtension(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> packet = requireBytes(info.Env(), info[0], "packet");
  uint32_t id = uint32Arg(info, 1, "id");
  auto h = rtp::RtpHeader::parse(packet.data(), packet.size());
  const uint8_t* value = nullptr;
  size_t length = 0;
  if (!h || id > 255 || !rtp::findHeaderExtension(packet.data(), packet.size(), *h, static_cast<uint8_t>(id), &value, &length))
    return info.Env().Null();
  return copyToBuffer(info.Env(), value, length);
}

Napi::Value ntpFromUnixMicros(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), rtcp::ntpFromUnixMicros(int64Arg(info, 0, "unixUs")));
}

Napi::Value microsToQ16(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), rtcp::microsToQ16(int64Arg(info, 0, "us")));
}

Napi::Value q16ToMicros(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(rtcp::q16ToMicros(uint32Arg(info, 0, "units"))));
}

// rtcpRoundTripMicros(arrivalMiddle32, lsr, dlsr) -> microseconds, or -1.
Napi::Value roundTripMicros(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(rtcp::roundTripMicros(
                                           uint32Arg(info, 0, "arrival"), uint32Arg(info, 1, "lsr"), uint32Arg(info, 2, "dlsr"))));
}
}  // namespace

int64_t int64Arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsNumber()) throwTypeError(info.Env(), std::string(name) + " must be a number");
  double d = info[index].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 9007199254740991.0)
    throwTypeError(info.Env(), std::string(name) + " must be a safe integer");
  return static_cast<int64_t>(d);
}

uint64_t bigUint64Arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsBigInt()) throwTypeError(info.Env(), std::string(name) + " must be a bigint");
  bool lossless = true;
  uint64_t v = info[index].As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) throwTypeError(info.Env(), std::string(name) + " must fit 64 unsigned bits");
  return v;
}

Napi::Object reportBlockToJs(Napi::Env env, const rtcp::ReportBlock& b) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("ssrc", static_cast<double>(b.ssrc));
  o.Set("fractionLost", b.fractionLost);
  o.Set("cumulativeLost", b.cumulativeLost);
  o.Set("extendedHighestSequence", static_cast<double>(b.extendedHighestSequence));
  o.Set("jitter", static_cast<double>(b.jitter));
  o.Set("lastSenderReport", static_cast<double>(b.lastSenderReport));
  o.Set("delaySinceLastSenderReport", static_cast<double>(b.delaySinceLastSenderReport));
  return o;
}

void addRtcpFunctions(Napi::Env env, Napi::Object target) {
  exportFunctions(env, target,
                  {
                      {"rtcpWriteSenderReport", writeSenderReport},
                      {"rtcpWriteReceiverReport", writeReceiverReport},
                      {"rtcpWriteSdesCname", writeSdesCname},
                      {"rtcpWriteGenericNack", writeGenericNack},
                      {"rtcpWriteRemb", writeRemb},
                      {"rtcpReadReportBlock", readReportBlock},
                      {"rtcpNackedSequences", nackedSequences},
                      {"rtpFindHeaderExtension", findHeaderExtension},
                      {"ntpFromUnixMicros", ntpFromUnixMicros},
                      {"microsToQ16", microsToQ16},
                      {"q16ToMicros", q16ToMicros},
                      {"rtcpRoundTripMicros", roundTripMicros},
                  });
  target.Set("ReceiveStatistics", ReceiveStatisticsWrap::define(env));
  target.Set("NackGenerator", NackGeneratorWrap::define(env));
  target.Set("SharedSocketDemux", SharedSocketDemuxWrap::define(env));
  target.Set("RtcpSession", RtcpSessionWrap::define(env));
  target.Set("RetransmissionSender", RetransmissionSenderWrap::define(env));
  target.Set("TransportWideFeedback", TransportWideFeedbackWrap::define(env));
}

}  // namespace wg::binding
