// The module's entry point: the only place that lists what JavaScript can reach. The test surface
// (sans-IO wrappers, benchmark loops, C++ unit tests) is a separate addon: native/testing/.
#include "EngineWrap.hpp"

#include <napi.h>
#include <openssl/crypto.h>

namespace wg::binding {

namespace {
// Proves at run time that OpenSSL is the one Node carries: the addon links no libcrypto of its own.
Napi::Value opensslVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), OpenSSL_version(OPENSSL_VERSION));
}

}  // namespace

}  // namespace wg::binding

static Napi::Object initAddon(Napi::Env env, Napi::Object exports) {
  exports.Set("Engine", wg::binding::EngineWrap::define(env));
  exports.Set("opensslVersion", Napi::Function::New(env, wg::binding::opensslVersion, "opensslVersion"));
  return exports;
}

NODE_API_MODULE(webrtc_gateway, initAddon)
