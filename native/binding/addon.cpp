// The module's entry point: the only place that lists what JavaScript can reach.
#include "EngineWrap.hpp"
#include "bench/BenchmarkFunctions.hpp"
#include "sansio/FanoutSourceWrap.hpp"
#include "sansio/InboundMediaRouterWrap.hpp"
#include "sansio/MediaSessionWrap.hpp"
#include "sansio/OutboundRtpRewriterWrap.hpp"
#include "sansio/RtcpFunctions.hpp"
#include "sansio/SansIoFunctions.hpp"
#include "sansio/SansIoTransportWrap.hpp"
#include "sansio/SrtpSessionWrap.hpp"
#include "sansio/TurnClientWrap.hpp"
#include "sansio/TurnFunctions.hpp"
#include "sansio/TcpConnectionProbe.hpp"
#include "sansio/TlsClientStreamWrap.hpp"

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
  // The sans-IO core, driven from JavaScript: for test vectors, deterministic simulations and tools.
  Napi::Object sansio = Napi::Object::New(env);
  sansio.Set("Transport", wg::binding::SansIoTransportWrap::define(env));
  sansio.Set("SrtpSession", wg::binding::SrtpSessionWrap::define(env));
  sansio.Set("OutboundRtpRewriter", wg::binding::OutboundRtpRewriterWrap::define(env));
  sansio.Set("InboundMediaRouter", wg::binding::InboundMediaRouterWrap::define(env));
  sansio.Set("MediaSession", wg::binding::MediaSessionWrap::define(env));
  sansio.Set("FanoutSource", wg::binding::FanoutSourceWrap::define(env));
  sansio.Set("TurnClient", wg::binding::TurnClientWrap::define(env));
  sansio.Set("TlsClientStream", wg::binding::TlsClientStreamWrap::define(env));
  sansio.Set("TcpConnectionProbe", wg::binding::TcpConnectionProbe::define(env));
  wg::binding::addSansIoFunctions(env, sansio);
  wg::binding::addTurnFunctions(env, sansio);
  wg::binding::addRtcpFunctions(env, sansio);
  wg::binding::addTlsFunctions(env, sansio);
  exports.Set("sansio", sansio);
  Napi::Object bench = Napi::Object::New(env);
  wg::binding::addBenchmarkFunctions(env, bench);
  exports.Set("bench", bench);
  return exports;
}

NODE_API_MODULE(webrtc_gateway, initAddon)
