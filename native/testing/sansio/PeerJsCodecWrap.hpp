#pragma once

#include "../../core/datachannel/PeerJsCodec.hpp"

#include <napi.h>

#include <optional>
#include <vector>

namespace wg::binding {

// `new sansio.PeerJsCodec('NONE' | 'JSON' | 'BINARY' | 'BINARY_UTF8')`: the native PeerJS
// serializations, for the differential test against src/session/data/serialization.
//   encode(datagram) -> Buffer[] | drop reason name
//   decode(message, binary) -> {kind: 'datagram', datagram} | {kind: 'close'} | {kind: 'partial'}
//                            | {kind: 'drop', reason} | {kind: 'to-js', packed}, each with `evicted`
class PeerJsCodecWrap : public Napi::ObjectWrap<PeerJsCodecWrap> {
public:
  static Napi::Function define(Napi::Env env);
  explicit PeerJsCodecWrap(const Napi::CallbackInfo& info);

private:
  Napi::Value encode(const Napi::CallbackInfo& info);
  Napi::Value decode(const Napi::CallbackInfo& info);

  std::optional<datachannel::PeerJsCodec> codec_;
  std::vector<datachannel::MessageSpan> spans_;
};

}  // namespace wg::binding
