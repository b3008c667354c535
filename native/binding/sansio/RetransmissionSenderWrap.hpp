#pragma once

#include "../../core/media/RetransmissionSender.hpp"

#include <napi.h>

#include <memory>
#include <vector>

namespace wg::binding {

// `new sansio.RetransmissionSender(config?)`: NACK answers from a packet cache (sans-IO), for tests.
//   config {rtxSsrc?, rtxPayloadType?, rtxFirstSequence?}; onSent(seq, packet, nowUs),
//   onNack(fci, nowUs, minIntervalUs, capacity?) -> the packets sent, in order; stats(), usesRtx().
class RetransmissionSenderWrap : public Napi::ObjectWrap<RetransmissionSenderWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit RetransmissionSenderWrap(const Napi::CallbackInfo& info);

private:
  Napi::Value onSent(const Napi::CallbackInfo& info);
  Napi::Value onNack(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);
  Napi::Value usesRtx(const Napi::CallbackInfo& info);

  std::unique_ptr<media::RetransmissionSender> sender_;
  std::vector<uint8_t> scratch_;
};

}  // namespace wg::binding
