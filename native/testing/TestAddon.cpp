// The test addon's entry point: the sans-IO core driven from JavaScript (test vectors,
// deterministic simulations), native benchmark loops and the doctest C++ unit tests. Never
// shipped: the product addon (native/binding/addon.cpp) carries none of it.
#include "bench/BenchmarkFunctions.hpp"
#include "sansio/FanoutSourceWrap.hpp"
#include "sansio/InboundMediaRouterWrap.hpp"
#include "sansio/MediaSessionWrap.hpp"
#include "sansio/OutboundRtpRewriterWrap.hpp"
#include "sansio/PeerJsCodecWrap.hpp"
#include "sansio/RtcpFunctions.hpp"
#include "sansio/SansIoFunctions.hpp"
#include "sansio/SansIoTransportWrap.hpp"
#include "sansio/SrtpSessionWrap.hpp"
#include "sansio/TcpConnectionProbe.hpp"
#include "sansio/TlsClientStreamWrap.hpp"
#include "sansio/TurnClientWrap.hpp"
#include "sansio/TurnFunctions.hpp"
#include "tests/CoreTestRunner.hpp"

#include <napi.h>

static Napi::Object initTestAddon(Napi::Env env, Napi::Object exports) {
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
  sansio.Set("PeerJsCodec", wg::binding::PeerJsCodecWrap::define(env));
  wg::binding::addSansIoFunctions(env, sansio);
  wg::binding::addTurnFunctions(env, sansio);
  wg::binding::addRtcpFunctions(env, sansio);
  wg::binding::addTlsFunctions(env, sansio);
  exports.Set("sansio", sansio);
  Napi::Object bench = Napi::Object::New(env);
  wg::binding::addBenchmarkFunctions(env, bench);
  exports.Set("bench", bench);
  wg::testing::addCoreTestFunctions(env, exports);
  return exports;
}

NODE_API_MODULE(webrtc_gateway_testing, initTestAddon)
