#include "EngineStatsToJs.hpp"

namespace wg::binding {

namespace {
// One shared media socket: its transports and how its demultiplexer routed what came in.
Napi::Object sharedSocketToJs(Napi::Env env, const net::SocketAddress& address,
                              const io::SharedTransportSocket::Stats& st) {
  Napi::Object s = Napi::Object::New(env);
  s.Set("address", address.toString());
  s.Set("transports", static_cast<double>(st.transports));
  s.Set("routedByUfrag", static_cast<double>(st.demux.byUfrag));
  s.Set("routedByTransaction", static_cast<double>(st.demux.byTransaction));
  s.Set("routedByAddress", static_cast<double>(st.demux.byAddress));
  s.Set("droppedUnknown", static_cast<double>(st.demux.unknown));
  s.Set("addressTakeovers", static_cast<double>(st.demux.addressTakeovers));
  s.Set("ufragCollisions", static_cast<double>(st.ufragCollisions));
  return s;
}
}  // namespace

Napi::Object engineStatsToJs(Napi::Env env, io::Engine* engine, size_t openPorts) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("running", engine != nullptr);
  o.Set("ports", static_cast<double>(openPorts));
  if (engine == nullptr) return o;
  o.Set("eventsDelivered", static_cast<double>(engine->counters().eventsDelivered.get()));
  o.Set("eventsDropped", static_cast<double>(engine->counters().eventsDropped.get()));
  o.Set("loopWakeups", static_cast<double>(engine->loopWakeups()));
  o.Set("loopWaitErrors", static_cast<double>(engine->loopWaitErrors()));
  io::OutboxStats outbox = engine->outboxStats();
  o.Set("datagramsSent", static_cast<double>(outbox.sent));
  o.Set("datagramsSendDropped", static_cast<double>(outbox.dropped));
  o.Set("sendCalls", static_cast<double>(outbox.sendCalls));
  o.Set("turnStreamsClosing", static_cast<double>(engine->retiredStreams()));
  o.Set("tlsContexts", static_cast<double>(engine->tlsContextCount()));
  Napi::Array shared = Napi::Array::New(env);
  uint32_t n = 0;
  for (const auto& [address, st] : engine->sharedSocketStats()) shared.Set(n++, sharedSocketToJs(env, address, st));
  o.Set("sharedSockets", shared);
  return o;
}

Napi::Object portCountersToJs(Napi::Env env, const io::PortCounters& c) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("packets", static_cast<double>(c.packets.get()));
  o.Set("bytes", static_cast<double>(c.bytes.get()));
  o.Set("droppedOversize", static_cast<double>(c.droppedOversize.get()));
  o.Set("socketErrors", static_cast<double>(c.socketErrors.get()));
  o.Set("sourceChanges", static_cast<double>(c.sourceChanges.get()));
  net::SocketAddress source = c.lastSource();
  o.Set("lastSource", source.isUnspecified() ? env.Null() : Napi::String::New(env, source.toString()));
  return o;
}

}  // namespace wg::binding
