#include "TurnStatsToJs.hpp"

namespace wg::binding {

Napi::Object turnStatsToJs(Napi::Env env, const turn::TurnStats& s) {
  Napi::Object o = Napi::Object::New(env);
  auto n = [&o](const char* name, uint64_t v) { o.Set(name, static_cast<double>(v)); };
  n("requests", s.requests);
  n("retransmits", s.retransmits);
  n("authRetries", s.authRetries);
  n("staleNonceRetries", s.staleNonceRetries);
  n("refreshes", s.refreshes);
  n("permissions", s.permissions);
  n("channelBinds", s.channelBinds);
  n("sendIndications", s.sendIndications);
  n("dataIndications", s.dataIndications);
  n("channelDataSent", s.channelDataSent);
  n("channelDataReceived", s.channelDataReceived);
  n("bytesSent", s.bytesSent);
  n("bytesReceived", s.bytesReceived);
  n("errors", s.errors);
  n("timeouts", s.timeouts);
  n("unauthenticated", s.unauthenticated);
  n("malformed", s.malformed);
  n("sendDropped", s.sendDropped);
  n("peersRefused", s.peersRefused);
  n("transactionsRefused", s.transactionsRefused);
  return o;
}

}  // namespace wg::binding
