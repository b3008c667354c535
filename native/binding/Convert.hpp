#pragma once

#include "../core/ice/IceCandidate.hpp"
#include "../core/net/SocketAddress.hpp"
#include "../core/srtp/SrtpProfile.hpp"

#include <napi.h>

#include <optional>
#include <string>
#include <vector>

namespace wg::binding {

// Conversions between JavaScript values and the core's plain types. Invalid input throws a
// TypeError with code ERR_INVALID_ARG.
std::string requireString(const Napi::Object& o, const char* key);
std::optional<std::string> optionalString(const Napi::Object& o, const char* key);
double requireNumber(const Napi::Object& o, const char* key);
// `fallback` when absent; a number in [min, max] otherwise.
double optionalNumber(const Napi::Object& o, const char* key, double fallback, double min, double max);
uint32_t uint32Arg(const Napi::CallbackInfo& info, size_t index, const char* name);
Napi::Object objectArg(const Napi::CallbackInfo& info, size_t index, const char* what);
std::vector<uint8_t> requireBytes(Napi::Env env, const Napi::Value& v, const char* what);
net::SocketAddress requireAddress(Napi::Env env, const std::string& ip, double port);
srtp::Profile requireProfile(Napi::Env env, const std::string& name);

Napi::Object candidateToJs(Napi::Env env, const ice::Candidate& c);
// From {foundation, component, priority, ip, port, type, relatedIp?, relatedPort?}.
ice::Candidate candidateFromJs(Napi::Env env, const Napi::Object& o);

Napi::Buffer<uint8_t> copyToBuffer(Napi::Env env, const uint8_t* data, size_t size);

}  // namespace wg::binding
