#include "SansIoTransportWrap.hpp"

#include "../../core/dtls/DtlsContext.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"
#include "../../binding/TransportConfigFromJs.hpp"

namespace wg::binding {

namespace {
int64_t timeArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsNumber()) throwTypeError(info.Env(), "a time in microseconds is required");
  return static_cast<int64_t>(info[index].As<Napi::Number>().DoubleValue());
}

dtls::DtlsRole roleFromJs(Napi::Env env, const std::string& role) {
  if (role == "client") return dtls::DtlsRole::Client;
  if (role == "server") return dtls::DtlsRole::Server;
  throwTypeError(env, "dtlsRole must be client or server");
}
}  // namespace

Napi::Function SansIoTransportWrap::define(Napi::Env env) {
  return DefineClass(env, "Transport",
                     {
                         InstanceMethod<&SansIoTransportWrap::localParameters>("localParameters"),
                         InstanceMethod<&SansIoTransportWrap::start>("start"),
                         InstanceMethod<&SansIoTransportWrap::setRemoteParameters>("setRemoteParameters"),
                         InstanceMethod<&SansIoTransportWrap::addRemoteCandidate>("addRemoteCandidate"),
                         InstanceMethod<&SansIoTransportWrap::endOfRemoteCandidates>("endOfRemoteCandidates"),
                         InstanceMethod<&SansIoTransportWrap::handleDatagram>("handleDatagram"),
                         InstanceMethod<&SansIoTransportWrap::handleTimeout>("handleTimeout"),
                         InstanceMethod<&SansIoTransportWrap::nextTimeout>("nextTimeout"),
                         InstanceMethod<&SansIoTransportWrap::dtlsTimeout>("dtlsTimeout"),
                         InstanceMethod<&SansIoTransportWrap::sendRtp>("sendRtp"),
                         InstanceMethod<&SansIoTransportWrap::sendRtcp>("sendRtcp"),
                         InstanceMethod<&SansIoTransportWrap::close>("close"),
                         InstanceMethod<&SansIoTransportWrap::takeTransmits>("takeTransmits"),
                         InstanceMethod<&SansIoTransportWrap::takeEvents>("takeEvents"),
                         InstanceMethod<&SansIoTransportWrap::takeReceived>("takeReceived"),
                         InstanceMethod<&SansIoTransportWrap::stats>("stats"),
                         InstanceMethod<&SansIoTransportWrap::openDataChannel>("openDataChannel"),
                         InstanceMethod<&SansIoTransportWrap::sendData>("sendData"),
                         InstanceMethod<&SansIoTransportWrap::closeDataChannel>("closeDataChannel"),
                         InstanceMethod<&SansIoTransportWrap::takeDataEvents>("takeDataEvents"),
                         InstanceMethod<&SansIoTransportWrap::sctpStats>("sctpStats"),
                     });
}

SansIoTransportWrap::SansIoTransportWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SansIoTransportWrap>(info) {
  Napi::Env env = info.Env();
  Napi::Object o = objectArg(info, 0, "options");
  transport::TransportConfig config = transportConfigFromJs(env, o);
  Napi::Value addresses = o.Get("localAddresses");
  if (!addresses.IsArray() || addresses.As<Napi::Array>().Length() == 0)
    throwTypeError(env, "localAddresses must be a non-empty array of {ip, port}");
  Napi::Array list = addresses.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Object a = list.Get(i).As<Napi::Object>();
    config.ice.hostAddresses.push_back(requireAddress(env, requireString(a, "ip"), requireNumber(a, "port")));
  }
  Napi::Value seed = o.Get("seed");
  if (seed.IsNumber()) random_ = std::make_unique<SeededRandom>(static_cast<uint64_t>(seed.As<Napi::Number>().Int64Value()));
  else random_ = std::make_unique<CryptoRandom>();
  auto context = dtls::DtlsContext::create(dtls::DtlsCertificate::generate());
  if (!context) throwWithCode(env, "ERR_CRYPTO", "cannot create the DTLS certificate and context");
  transport_ = std::make_unique<transport::WebRtcTransport>(std::move(config), std::move(context), *random_,
                                                            static_cast<transport::WebRtcTransport::Output&>(*this));
}

SansIoTransportWrap::~SansIoTransportWrap() = default;

Napi::Value SansIoTransportWrap::localParameters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("ufrag", transport_->iceUfrag());
  o.Set("password", transport_->icePassword());
  o.Set("fingerprintAlgorithm", "sha-256");
  o.Set("fingerprint", transport_->fingerprint());
  Napi::Array candidates = Napi::Array::New(env);
  uint32_t i = 0;
  for (const auto& c : transport_->localCandidates()) candidates.Set(i++, candidateToJs(env, c));
  o.Set("candidates", candidates);
  return o;
}

Napi::Value SansIoTransportWrap::start(const Napi::CallbackInfo& info) {
  transport_->start(timeArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value SansIoTransportWrap::setRemoteParameters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t now = timeArg(info, 0);
  Napi::Object o = objectArg(info, 1, "remote parameters");
  transport_->setRemoteParameters(now, requireString(o, "ufrag"), requireString(o, "password"),
                                  requireString(o, "fingerprintAlgorithm"), requireString(o, "fingerprint"),
                                  roleFromJs(env, requireString(o, "dtlsRole")));
  return env.Undefined();
}

Napi::Value SansIoTransportWrap::addRemoteCandidate(const Napi::CallbackInfo& info) {
  int64_t now = timeArg(info, 0);
  transport_->addRemoteCandidate(now, candidateFromJs(info.Env(), objectArg(info, 1, "candidate")));
  return info.Env().Undefined();
}

Napi::Value SansIoTransportWrap::endOfRemoteCandidates(const Napi::CallbackInfo& info) {
  transport_->endOfRemoteCandidates(timeArg(info, 0));
  return info.Env().Undefined();
}

// handleDatagram(now, socketIndex, fromIp, fromPort, bytes)
Napi::Value SansIoTransportWrap::handleDatagram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t now = timeArg(info, 0);
  uint32_t socket = uint32Arg(info, 1, "socketIndex");
  if (info.Length() < 5 || !info[2].IsString() || !info[3].IsNumber()) throwTypeError(env, "handleDatagram(now, socket, ip, port, bytes)");
  net::SocketAddress from = requireAddress(env, info[2].As<Napi::String>().Utf8Value(), info[3].As<Napi::Number>().DoubleValue());
  std::vector<uint8_t> bytes = requireBytes(env, info[4], "datagram");
  transport_->handleDatagram(now, static_cast<int>(socket), from, bytes.data(), bytes.size());
  return env.Undefined();
}

Napi::Value SansIoTransportWrap::handleTimeout(const Napi::CallbackInfo& info) {
  transport_->handleTimeout(timeArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value SansIoTransportWrap::nextTimeout(const Napi::CallbackInfo& info) {
  auto next = transport_->nextTimeout();
  return next ? Napi::Value(Napi::Number::New(info.Env(), static_cast<double>(*next))) : info.Env().Null();
}

Napi::Value SansIoTransportWrap::dtlsTimeout(const Napi::CallbackInfo& info) {
  auto next = transport_->dtlsTimeout();
  return next ? Napi::Value(Napi::Number::New(info.Env(), static_cast<double>(*next))) : info.Env().Null();
}

Napi::Value SansIoTransportWrap::sendRtp(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> packet = requireBytes(info.Env(), info[0], "packet");
  size_t length = packet.size();
  packet.resize(length + 32);
  return Napi::String::New(info.Env(), transport::sendStatusName(transport_->sendRtp(packet.data(), length, packet.size())));
}

Napi::Value SansIoTransportWrap::sendRtcp(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> packet = requireBytes(info.Env(), info[0], "packet");
  size_t length = packet.size();
  packet.resize(length + 32);
  return Napi::String::New(info.Env(), transport::sendStatusName(transport_->sendRtcp(packet.data(), length, packet.size())));
}

Napi::Value SansIoTransportWrap::close(const Napi::CallbackInfo& info) {
  transport_->close();
  return info.Env().Undefined();
}

Napi::Value SansIoTransportWrap::takeTransmits(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env, transmits_.size());
  for (size_t i = 0; i < transmits_.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("socketIndex", transmits_[i].socketIndex);
    o.Set("ip", transmits_[i].to.ipString());
    o.Set("port", transmits_[i].to.port());
    o.Set("data", copyToBuffer(env, transmits_[i].data.data(), transmits_[i].data.size()));
    list.Set(static_cast<uint32_t>(i), o);
  }
  transmits_.clear();
  return list;
}

Napi::Value SansIoTransportWrap::takeEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env, events_.size());
  for (size_t i = 0; i < events_.size(); ++i) list.Set(static_cast<uint32_t>(i), transportEventToJs(env, events_[i]));
  events_.clear();
  return list;
}

Napi::Value SansIoTransportWrap::takeReceived(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env, received_.size());
  for (size_t i = 0; i < received_.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("kind", received_[i].rtcp ? "rtcp" : "rtp");
    o.Set("data", copyToBuffer(env, received_[i].data.data(), received_[i].data.size()));
    list.Set(static_cast<uint32_t>(i), o);
  }
  received_.clear();
  return list;
}

Napi::Value SansIoTransportWrap::stats(const Napi::CallbackInfo& info) {
  return transportSnapshotToJs(info.Env(), snapshotOf(*transport_));
}

void SansIoTransportWrap::sendDatagram(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) {
  transmits_.push_back({socketIndex, to, std::vector<uint8_t>(data, data + size)});
}

void SansIoTransportWrap::onTransportEvent(const transport::TransportEvent& event) { events_.push_back(event); }

void SansIoTransportWrap::onRtp(uint8_t* packet, size_t size, const rtp::RtpHeader&) {
  received_.push_back({false, std::vector<uint8_t>(packet, packet + size)});
}

void SansIoTransportWrap::onRtcp(uint8_t* packet, size_t size) {
  received_.push_back({true, std::vector<uint8_t>(packet, packet + size)});
}

// openDataChannel(label, protocol, {ordered?, maxRetransmits?, maxLifetimeMs?}) -> stream id or null
Napi::Value SansIoTransportWrap::openDataChannel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsObject())
    throwTypeError(env, "openDataChannel(label, protocol, reliability)");
  sctp::DcepOpen open;
  open.label = info[0].As<Napi::String>().Utf8Value();
  open.protocol = info[1].As<Napi::String>().Utf8Value();
  Napi::Object r = info[2].As<Napi::Object>();
  if (r.Get("ordered").IsBoolean()) open.reliability.ordered = r.Get("ordered").As<Napi::Boolean>().Value();
  if (r.Get("maxRetransmits").IsNumber()) open.reliability.maxRetransmits = r.Get("maxRetransmits").As<Napi::Number>().Uint32Value();
  if (r.Get("maxLifetimeMs").IsNumber()) open.reliability.maxLifetimeMs = r.Get("maxLifetimeMs").As<Napi::Number>().Uint32Value();
  auto stream = transport_->openDataChannel(open);
  return stream ? Napi::Value(Napi::Number::New(env, *stream)) : env.Null();
}

// sendData(stream, string | bytes): a string goes as a string message (PPID 51/56), bytes as binary.
Napi::Value SansIoTransportWrap::sendData(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t stream = uint32Arg(info, 0, "stream");
  if (info.Length() < 2) throwTypeError(env, "sendData(stream, data)");
  sctp::SctpSendStatus status;
  if (info[1].IsString()) {
    std::string text = info[1].As<Napi::String>().Utf8Value();
    status = transport_->sendData(static_cast<uint16_t>(stream), false, reinterpret_cast<const uint8_t*>(text.data()), text.size());
  } else {
    std::vector<uint8_t> bytes = requireBytes(env, info[1], "data");
    status = transport_->sendData(static_cast<uint16_t>(stream), true, bytes.data(), bytes.size());
  }
  return Napi::String::New(env, sctp::sctpSendStatusName(status));
}

Napi::Value SansIoTransportWrap::closeDataChannel(const Napi::CallbackInfo& info) {
  uint32_t stream = uint32Arg(info, 0, "stream");
  return Napi::Boolean::New(info.Env(), transport_->closeDataChannel(static_cast<uint16_t>(stream)));
}

Napi::Value SansIoTransportWrap::takeDataEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env, dataEvents_.size());
  for (size_t i = 0; i < dataEvents_.size(); ++i) {
    const DataEvent& e = dataEvents_[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("kind", sctp::dataChannelEventName(e.kind));
    o.Set("stream", e.stream);
    if (e.kind == sctp::DataChannelEventKind::Message) {
      o.Set("binary", e.binary);
      o.Set("data", copyToBuffer(env, e.data.data(), e.data.size()));
    }
    if (e.open) {
      o.Set("remote", e.remote);
      o.Set("label", e.open->label);
      o.Set("protocol", e.open->protocol);
      o.Set("ordered", e.open->reliability.ordered);
      if (e.open->reliability.maxRetransmits) o.Set("maxRetransmits", *e.open->reliability.maxRetransmits);
      if (e.open->reliability.maxLifetimeMs) o.Set("maxLifetimeMs", *e.open->reliability.maxLifetimeMs);
    }
    if (!e.text.empty()) o.Set("text", e.text);
    list.Set(static_cast<uint32_t>(i), o);
  }
  dataEvents_.clear();
  return list;
}

Napi::Value SansIoTransportWrap::sctpStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const sctp::SctpAssociation* association = transport_->sctp();
  if (association == nullptr) return env.Null();
  const sctp::SctpStats& s = association->stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("up", association->up());
  o.Set("messagesSent", static_cast<double>(s.messagesSent));
  o.Set("messagesReceived", static_cast<double>(s.messagesReceived));
  o.Set("droppedTooLarge", static_cast<double>(s.droppedTooLarge));
  o.Set("droppedMalformed", static_cast<double>(s.droppedMalformed));
  o.Set("droppedQueueFull", static_cast<double>(s.droppedQueueFull));
  o.Set("sendFull", static_cast<double>(s.sendFull));
  return o;
}

void SansIoTransportWrap::onDataChannelEvent(const sctp::DataChannelEvent& event) {
  DataEvent copy{event.kind, event.stream, event.binary, event.remote, std::nullopt, {}, event.text};
  if (event.open != nullptr) copy.open = *event.open;
  if (event.data != nullptr) copy.data.assign(event.data, event.data + event.size);
  dataEvents_.push_back(std::move(copy));
}

}  // namespace wg::binding
