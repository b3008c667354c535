#pragma once

#include "../../core/ice/SharedSocketDemux.hpp"

#include <napi.h>

namespace wg::binding {

// `new sansio.SharedSocketDemux()`: which transport a datagram on a shared socket is for, for tests.
//   addOwner(owner, ufrag) -> boolean, removeOwner(owner), onSend(owner, ip, port, bytes, nowUs),
//   route(ip, port, bytes, nowUs) -> owner | null, stats() -> counters and table sizes.
class SharedSocketDemuxWrap : public Napi::ObjectWrap<SharedSocketDemuxWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit SharedSocketDemuxWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SharedSocketDemuxWrap>(info) {}

private:
  Napi::Value addOwner(const Napi::CallbackInfo& info);
  Napi::Value removeOwner(const Napi::CallbackInfo& info);
  Napi::Value onSend(const Napi::CallbackInfo& info);
  Napi::Value route(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);

  ice::SharedSocketDemux demux_;
};

}  // namespace wg::binding
