#pragma once

#include "../../core/rtp/NackGenerator.hpp"

#include <napi.h>

#include <optional>
#include <vector>

namespace wg::binding {

// `new sansio.NackGenerator(config?)`: loss detection for NACKs, for tests.
//   onPacket(seq, nowUs) -> filled a gap, collectDue(nowUs, rttUs, capacity?) -> seqs,
//   nextDueUs(rttUs) -> number | null, needsKeyframe() -> boolean, stats().
class NackGeneratorWrap : public Napi::ObjectWrap<NackGeneratorWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit NackGeneratorWrap(const Napi::CallbackInfo& info);

private:
  Napi::Value onPacket(const Napi::CallbackInfo& info);
  Napi::Value collectDue(const Napi::CallbackInfo& info);
  Napi::Value nextDueUs(const Napi::CallbackInfo& info);
  Napi::Value needsKeyframe(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);

  std::optional<rtp::NackGenerator> generator_;
  std::vector<uint16_t> due_;
};

}  // namespace wg::binding
