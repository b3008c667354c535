#pragma once

#include "../../core/rtcp/TransportWideFeedback.hpp"

#include <napi.h>

#include <memory>

namespace wg::binding {

// `new sansio.TransportWideFeedback()`: transport-cc feedback generation, for tests.
//   onPacket(transportSeq, arrivalUs), hasPending(), pendingCount(),
//   writeFeedback(senderSsrc, mediaSsrc, capacity?) -> Buffer | null, stats().
class TransportWideFeedbackWrap : public Napi::ObjectWrap<TransportWideFeedbackWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit TransportWideFeedbackWrap(const Napi::CallbackInfo& info);

private:
  Napi::Value onPacket(const Napi::CallbackInfo& info);
  Napi::Value hasPending(const Napi::CallbackInfo& info);
  Napi::Value pendingCount(const Napi::CallbackInfo& info);
  Napi::Value writeFeedback(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);

  std::unique_ptr<rtcp::TransportWideFeedback> feedback_;
};

}  // namespace wg::binding
