#include "TransportHost.hpp"

#include "../core/common/ByteReader.hpp"
#include "../core/rtcp/PictureLossIndication.hpp"
#include "../core/rtcp/RtcpCompound.hpp"
#include "../core/rtp/HeaderExtension.hpp"
#include "../core/rtp/RtpHeader.hpp"
#include "Clock.hpp"
#include "RetiredStreams.hpp"

#include <algorithm>
#include <cstring>

namespace wg::io {

void TransportSocket::onReadable() {
  RecvBatch& batch = host_.context().recvBatch;
  // A few batches per wake-up, then other sockets get their turn (epoll is level-triggered).
  for (int round = 0; round < 8; ++round) {
    int n = batch.receive(socket_.fd());
    if (n <= 0) break;
    for (int i = 0; i < n; ++i) {
      if (!batch.truncated(i)) host_.handleDatagram(index_, batch.source(i), batch.data(i), batch.size(i));
    }
    if (static_cast<size_t>(n) < batch.capacity()) break;
  }
  host_.reschedule();
}

TransportHost::TransportHost(uint32_t handle, transport::TransportConfig config, std::vector<HostSocket> sockets,
                             std::vector<TurnSocket> turnSockets, TlsContexts tlsContexts,
                             std::shared_ptr<dtls::DtlsContext> dtls, Random& random, EngineContext& context,
                             Listener& listener)
    : handle_(handle),
      context_(context),
      listener_(listener),
      tlsContexts_(std::move(tlsContexts)),
      receiverSsrc_(random.u32() | 1),
      rtxFirstSequence_(static_cast<uint16_t>(random.u32())) {
  media::RtcpSessionConfig rtcp;
  rtcp.receiverSsrc = receiverSsrc_;
  rtcp_.emplace(rtcp);
  config.ice.hostAddresses.clear();
  // A shared socket cannot carry TURN: every transport on it would be one 5-tuple to the
  // server. Its UDP allocations go through a TURN socket of this transport's, if it was given one.
  config.turnSockets.assign(sockets.size(), -1);
  for (size_t i = 0; i < sockets.size(); ++i) {
    LocalSocket local;
    if (auto* shared = std::get_if<SharedTransportSocket*>(&sockets[i])) {
      local.shared = *shared;
      config.ice.hostAddresses.push_back(local.shared->localAddress());
    } else {
      UdpSocket& own = std::get<UdpSocket>(sockets[i]);
      config.ice.hostAddresses.push_back(own.localAddress());
      local.own = std::make_unique<TransportSocket>(*this, static_cast<int>(i), std::move(own));
      config.turnSockets[i] = static_cast<int>(i);
    }
    sockets_.push_back(std::move(local));
  }
  for (auto& turn : turnSockets) {
    int index = static_cast<int>(sockets_.size());
    if (turn.hostIndex >= 0 && static_cast<size_t>(turn.hostIndex) < sockets.size() && sockets_[turn.hostIndex].shared)
      config.turnSockets[turn.hostIndex] = index;
    LocalSocket local;
    local.own = std::make_unique<TransportSocket>(*this, index, std::move(turn.socket));
    sockets_.push_back(std::move(local));
  }
  transport_ = std::make_unique<transport::WebRtcTransport>(std::move(config), std::move(dtls), random,
                                                            static_cast<transport::WebRtcTransport::Output&>(*this));
}

TransportHost::~TransportHost() {
  detachAllPorts();
  if (timer_) context_.loop.timers().cancel(*timer_);
  if (feedbackTimer_) context_.loop.timers().cancel(*feedbackTimer_);
  // Streams the transport did not let go of (it was never closed) still finish in order.
  for (auto& stream : streams_) context_.retiredStreams.retire(std::move(stream));
  if (active_) {
    for (auto& s : sockets_) {
      if (s.own) context_.loop.remove(s.own->fd());
      else s.shared->detach(*this);
    }
  }
}

void TransportHost::activate(int64_t nowUs) {
  active_ = true;
  for (size_t i = 0; i < sockets_.size(); ++i) {
    LocalSocket& s = sockets_[i];
    if (s.own) context_.loop.add(s.own->fd(), s.own.get());
    else s.shared->attach(*this, static_cast<int>(i));
  }
  transport_->start(nowUs);
  reschedule();
}

void TransportHost::handleDatagram(int socketIndex, const net::SocketAddress& from, uint8_t* data, size_t size) {
  transport_->handleDatagram(context_.loop.now(), socketIndex, from, data, size);
}

void TransportHost::reschedule() {
  std::optional<int64_t> next = transport_->nextTimeout();
  if (next == scheduledUs_) return;
  if (timer_) context_.loop.timers().cancel(*timer_);
  timer_.reset();
  scheduledUs_ = next;
  if (next) timer_ = context_.loop.timers().schedule(*next, [this] { onTimer(); });
}

void TransportHost::onTimer() {
  timer_.reset();
  scheduledUs_.reset();
  transport_->handleTimeout(monotonicMicros());
  reschedule();
}

void TransportHost::attachPort(UdpPort& port, PacketKind kind, MediaKind media) {
  detachPort(port);
  ports_.push_back({&port, kind, media});
  if (kind == PacketKind::Rtp && retransmit_[media::index(media)]) port.keepRecentPackets();
  port.attach(this);
}

void TransportHost::detachPort(UdpPort& port) {
  for (auto it = ports_.begin(); it != ports_.end(); ++it) {
    if (it->port == &port) {
      port.detach(this);
      ports_.erase(it);
      return;
    }
  }
}

void TransportHost::detachAllPorts() {
  for (auto& a : ports_) a.port->detach(this);
  ports_.clear();
}

void TransportHost::setOutboundStream(MediaKind media, std::optional<media::OutboundStreamConfig> config) {
  auto& slot = outbound_[media::index(media)];
  auto& retransmit = retransmit_[media::index(media)];
  if (config) slot.emplace(*config);
  else slot.reset();
  if (config && config->nack) {
    retransmit.emplace(media::RetransmissionConfig{config->rtxSsrc, config->rtxPayloadType, rtxFirstSequence_});
    if (UdpPort* source = sourcePort(media)) source->keepRecentPackets();
  } else {
    retransmit.reset();
  }
  std::optional<uint32_t> ssrc = config ? std::optional<uint32_t>(config->ssrc) : std::nullopt;
  inbound_.setLocalSsrc(media, ssrc);
  rtcp_->setSendStream(media, ssrc);
}

void TransportHost::setFeedback(media::RtcpSessionConfig config) {
  config.receiverSsrc = receiverSsrc_;
  rtcp_.emplace(std::move(config));
  for (size_t k = 0; k < media::kMediaKinds; ++k) {
    if (outbound_[k]) rtcp_->setSendStream(static_cast<MediaKind>(k), outbound_[k]->config().ssrc);
  }
  if (transport_->connected()) scheduleFeedback(context_.loop.now());
}

void TransportHost::setInboundRoutes(std::vector<media::InboundRoute> routes) { inbound_.setRoutes(std::move(routes)); }

void TransportHost::setRedirect(PacketKind kind, MediaKind media, std::optional<net::SocketAddress> to) {
  auto& slot = (kind == PacketKind::Rtp ? rtpRedirect_ : rtcpRedirect_)[media::index(media)];
  bool newReceiver = to && slot != to;
  slot = to;
  // A new receiver of the remote's video needs a keyframe to start decoding.
  if (newReceiver && kind == PacketKind::Rtp && media == MediaKind::Video) requestKeyframe();
}

bool TransportHost::requestKeyframe() {
  auto remote = inbound_.remoteVideoSsrc();
  if (!remote || !transport_->connected()) return false;
  // RFC 4585 section 6.3.1: the sender SSRC is ours; a receive-only connection reports with
  // the SSRC of its receiver reports (RFC 3550 lets a pure receiver pick one).
  uint32_t sender = inbound_.localSsrc(MediaKind::Video).value_or(receiverSsrc_);
  uint8_t pli[rtcp::kPliSize + 64];
  rtcp::writePictureLossIndication(pli, sender, *remote);
  if (transport_->sendRtcp(pli, rtcp::kPliSize, sizeof pli) != transport::SendStatus::Ok) return false;
  rtcp_->countPliSent();
  return true;
}

void TransportHost::onPortPacket(uint32_t portHandle, const uint8_t* data, size_t size) {
  const Attachment* attachment = nullptr;
  for (const auto& a : ports_) {
    if (a.port->handle() == portHandle) attachment = &a;
  }
  if (!attachment || size + 64 > context_.scratchSize) return;
  // Each destination needs its own copy: rewriting and protection work in place.
  std::memcpy(context_.scratch, data, size);
  auto& rewriter = outbound_[media::index(attachment->media)];
  if (attachment->kind == PacketKind::Rtp) {
    int64_t now = context_.loop.now();
    if (rewriter && !rewriter->rewriteRtp(context_.scratch, size, now)) return;
    if (transport_->sendRtp(context_.scratch, size, context_.scratchSize) == transport::SendStatus::Ok)
      ++sent_[media::index(attachment->media)];
  } else {
    // Without a stream of ours to rewrite for (a receive-only call), the user's RTCP, such as
    // feedback about the remote's stream, goes as it is, if it is RTCP at all.
    bool ok = rewriter ? rewriter->rewriteRtcp(context_.scratch, size) : rtcp::RtcpCompound(context_.scratch, size).valid();
    if (!ok) {
      ++outboundDropped_;
      return;
    }
    if (rewriter) {
      // The gateway reports on its streams itself; a second NTP/RTP mapping from the user's SRs
      // would make the remote's audio/video sync jump between the two.
      size_t kept = rtcp::keepRtcpPackets(context_.scratch, size, [](const rtcp::RtcpPacketView& v) { return v.type != rtcp::type::SenderReport; });
      if (kept != size) ++userSenderReportsReplaced_;
      size = kept;
      if (size == 0) return;
    }
    transport_->sendRtcp(context_.scratch, size, context_.scratchSize);
  }
}

TransportHost::RoutingStats TransportHost::routingStats() const {
  RoutingStats stats;
  stats.redirected = redirects_.sent;
  stats.redirectDropped = redirects_.dropped;
  stats.sent = sent_;
  stats.outboundDropped = outboundDropped_;
  for (const auto& rewriter : outbound_) {
    if (!rewriter) continue;
    stats.outboundDropped += rewriter->stats().malformed + rewriter->stats().wrongPayloadType;
    stats.outboundSourceRestarts += rewriter->stats().sourceRestarts;
  }
  stats.inbound = inbound_.stats();
  stats.userSenderReportsReplaced = userSenderReportsReplaced_;
  stats.keyframeRequestsForwarded = keyframeRequestsForwarded_;
  stats.keyframeRequestsCoalesced = keyframeRequestsCoalesced_;
  stats.rtcpWithheld = rtcpWithheld_;
  return stats;
}

TransportHost::MediaStats TransportHost::mediaStats() const {
  MediaStats stats;
  for (size_t k = 0; k < media::kMediaKinds; ++k) {
    if (!outbound_[k]) continue;
    SendStreamStats send;
    send.kind = static_cast<MediaKind>(k);
    send.ssrc = outbound_[k]->config().ssrc;
    send.packets = outbound_[k]->stats().packets;
    send.bytes = outbound_[k]->stats().bytes;
    if (retransmit_[k]) send.retransmission = retransmit_[k]->stats();
    if (rtcp_->sendStats()[k]) send.feedback = *rtcp_->sendStats()[k];
    stats.send.push_back(send);
  }
  stats.receive = rtcp_->receiveStats();
  stats.receiveFeedback = rtcp_->receiveFeedback();
  stats.rttUs = rtcp_->rttUs();
  return stats;
}

void TransportHost::sendDatagram(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) {
  if (socketIndex < 0 || static_cast<size_t>(socketIndex) >= sockets_.size()) return;
  const LocalSocket& s = sockets_[socketIndex];
  if (s.shared) s.shared->send(*this, to, data, size);
  else context_.outbox.send(s.own->fd(), to, data, size);
}

void TransportHost::sendChannelData(int socketIndex, const net::SocketAddress& server, uint16_t channel,
                                    const uint8_t* data, size_t size) {
  if (socketIndex < 0 || static_cast<size_t>(socketIndex) >= sockets_.size()) return;
  const LocalSocket& s = sockets_[socketIndex];
  if (s.shared) {
    transport::WebRtcTransport::Output::sendChannelData(socketIndex, server, channel, data, size);
    return;
  }
  uint8_t header[turn::kChannelDataHeaderSize];
  turn::writeChannelDataHeader(header, channel, static_cast<uint16_t>(size));
  context_.outbox.send(s.own->fd(), server, header, sizeof header, data, size);
}

TurnStreamConnection* TransportHost::stream(size_t relay) const {
  return relay < streams_.size() ? streams_[relay].get() : nullptr;
}

bool TransportHost::openRelayStream(size_t relay, int socketIndex, const turn::TurnClientConfig& server,
                                    std::string& error) {
  if (socketIndex < 0 || static_cast<size_t>(socketIndex) >= sockets_.size()) {
    error = "no local socket for it";
    return false;
  }
  const LocalSocket& local = sockets_[socketIndex];
  TurnStreamSettings settings;
  settings.server = server.server;
  // From the host socket's IP, so the configured media address is honored.
  settings.tcp.localAddress = (local.own ? local.own->localAddress() : local.shared->localAddress()).withPort(0);
  bool overTls = server.transport == turn::TurnTransport::Tls;
  if (overTls) {
    for (const auto& [verify, context] : tlsContexts_) {
      if (verify == server.tlsVerify) settings.tls = context;
    }
    if (!settings.tls) {
      error = std::string("no TLS context for the verification policy '") + tls::tlsVerifyModeName(server.tlsVerify.mode) + "'";
      return false;
    }
    settings.serverName = server.host.empty() ? server.server.ipString() : server.host;
  }
  auto connection = std::make_unique<TurnStreamConnection>(context_.loop, relay, std::move(settings),
                                                           static_cast<TurnStreamConnection::Listener*>(this));
  if (streams_.size() <= relay) {
    streams_.resize(relay + 1);
    streamStats_.resize(relay + 1);
  }
  streamStats_[relay] = RelayStreamStats{relay, overTls ? "tls" : "tcp", "connecting", {}};
  if (!connection->open(error)) {
    streamStats_[relay]->state = "failed";
    streamStats_[relay]->stream = connection->stats();
    context_.retiredStreams.retire(std::move(connection));
    return false;
  }
  streams_[relay] = std::move(connection);
  return true;
}

bool TransportHost::sendRelayStream(size_t relay, const uint8_t* data, size_t size) {
  TurnStreamConnection* s = stream(relay);
  return s != nullptr && s->send(data, size);
}

bool TransportHost::sendRelayStreamChannelData(size_t relay, uint16_t channel, const uint8_t* data, size_t size) {
  TurnStreamConnection* s = stream(relay);
  return s != nullptr && s->sendChannelData(channel, data, size);
}

void TransportHost::closeRelayStream(size_t relay) {
  if (relay >= streams_.size() || !streams_[relay]) return;
  streamStats_[relay]->stream = streams_[relay]->stats();
  if (streamStats_[relay]->state != "failed") streamStats_[relay]->state = "closed";
  // Maybe from inside the stream's own callback: it finishes and goes away later, elsewhere.
  context_.retiredStreams.retire(std::move(streams_[relay]));
}

void TransportHost::onStreamOpen(TurnStreamConnection& stream) {
  streamStats_[stream.relay()]->state = "open";
  transport_->handleRelayStreamOpen(context_.loop.now(), stream.relay());
  reschedule();
}

void TransportHost::onStreamBytes(TurnStreamConnection& stream, uint8_t* data, size_t size) {
  transport_->handleRelayStreamBytes(context_.loop.now(), stream.relay(), data, size);
  reschedule();
}

void TransportHost::onStreamClosed(TurnStreamConnection& stream, const std::string& reason) {
  streamStats_[stream.relay()]->state = "failed";
  // The relay fails with the reason, and lets go of the stream (closeRelayStream).
  transport_->handleRelayStreamClosed(context_.loop.now(), stream.relay(), reason);
  closeRelayStream(stream.relay());
  reschedule();
}

std::vector<TransportHost::RelayStreamStats> TransportHost::relayStreamStats() const {
  std::vector<RelayStreamStats> out;
  for (size_t i = 0; i < streamStats_.size(); ++i) {
    if (!streamStats_[i]) continue;
    RelayStreamStats s = *streamStats_[i];
    if (streams_[i]) s.stream = streams_[i]->stats();
    out.push_back(std::move(s));
  }
  return out;
}

void TransportHost::onTransportEvent(const transport::TransportEvent& event) {
  if (event.kind == transport::TransportEventKind::Connected) onConnected();
  listener_.onTransportEvent(handle_, event);
}

void TransportHost::onConnected() {
  int64_t now = context_.loop.now();
  scheduleFeedback(now);
  // A source already running for other connections (fan-out) is mid-stream: this receiver
  // needs a keyframe to start from.
  requestUserKeyframe(now);
}

void TransportHost::onRtp(uint8_t* packet, size_t size) {
  int64_t now = context_.loop.now();
  bool newWork = false;
  if (auto id = rtcp_->config().transportCcExtensionId) {
    // Every packet with the extension counts for transport-cc, bandwidth probes included.
    auto header = rtp::RtpHeader::parse(packet, size);
    const uint8_t* value = nullptr;
    size_t length = 0;
    if (header && rtp::findHeaderExtension(packet, size, *header, *id, &value, &length) && length >= 2)
      newWork = rtcp_->onTransportSequence(readU16(value), now);
  }
  auto routed = inbound_.routeRtp(packet, size);
  if (routed) {
    newWork |= rtcp_->onReceivedRtp(routed->kind, routed->ssrc, routed->sequence, routed->timestamp, routed->clockRate, size,
                                    now, routed->retransmission);
    redirect(rtpRedirect_[media::index(routed->kind)], packet, size);
    if (routed->kind == MediaKind::Video && remoteVideoSource_ != routed->ssrc) {
      // A new remote video source: its first keyframe may have been lost before we knew it.
      remoteVideoSource_ = routed->ssrc;
      requestKeyframe();
    }
  }
  if (newWork) scheduleFeedback(rtcp_->nextDeadlineUs());
}

void TransportHost::onRtcp(uint8_t* packet, size_t size) {
  if (!inbound_.splitRtcp(packet, size, rtcpSplit_)) return;
  int64_t now = context_.loop.now();
  rtcp_->onRemoteRtcp(packet, size, now, ntpNow());
  answerNacks(packet, size, now);
  for (size_t k = 0; k < media::kMediaKinds; ++k) {
    auto& part = rtcpSplit_.parts[k];
    if (part.empty()) continue;
    size_t kept = keepForUser(k, part.data(), part.size(), now);
    if (kept == 0) {
      ++rtcpWithheld_[k];
      continue;
    }
    // Feedback about the stream we send goes back in the terms of the user's own sender.
    if (outbound_[k]) outbound_[k]->restoreRemoteRtcp(part.data(), kept);
    redirect(rtcpRedirect_[k], part.data(), kept);
  }
  scheduleFeedback(rtcp_->nextDeadlineUs());
}

namespace {
constexpr uint8_t kFmtNack = 1;
constexpr uint8_t kFmtPli = 1;
constexpr uint8_t kFmtFir = 4;
constexpr int64_t kMinResendIntervalUs = 5000;
constexpr int64_t kMaxResendIntervalUs = 100000;
constexpr int64_t kUnknownRttResendIntervalUs = 10000;
constexpr int kMaxFeedbackDatagramsPerTick = 4;
}  // namespace

void TransportHost::answerNacks(const uint8_t* packet, size_t size, int64_t nowUs) {
  // A repeated NACK within about half a round trip asks for the copy already on its way.
  auto rtt = rtcp_->rttUs();
  int64_t minInterval = rtt ? std::clamp(*rtt / 2, kMinResendIntervalUs, kMaxResendIntervalUs) : kUnknownRttResendIntervalUs;
  rtcp::RtcpCompound compound(packet, size);
  rtcp::RtcpPacketView view;
  while (compound.next(view)) {
    if (view.type != rtcp::type::TransportFeedback || view.count != kFmtNack || view.size < 12) continue;
    uint32_t media = readU32(view.data + 8);
    for (size_t k = 0; k < media::kMediaKinds; ++k) {
      if (!retransmit_[k] || outbound_[k]->config().ssrc != media) continue;
      const rtp::RtpPacketCache* cache = recentPackets(k);
      if (!cache) continue;
      retransmit_[k]->onNack(view.data + 12, view.size - 12, *cache, &*outbound_[k], nowUs, minInterval, context_.scratch,
                             context_.scratchSize, [this](uint8_t* data, size_t length) { transport_->sendRtp(data, length, context_.scratchSize); });
    }
  }
}

size_t TransportHost::keepForUser(size_t kind, uint8_t* data, size_t size, int64_t nowUs) {
  if (!outbound_[kind]) return size;
  uint32_t ours = outbound_[kind]->config().ssrc;
  bool answering = retransmit_[kind] && recentPackets(kind);
  UdpPort* source = kind == media::index(MediaKind::Video) ? videoSourcePort() : nullptr;
  return rtcp::keepRtcpPackets(data, size, [&](const rtcp::RtcpPacketView& v) {
    if (v.size < 12) return true;
    if (v.type == rtcp::type::TransportFeedback && v.count == kFmtNack) return !(answering && readU32(v.data + 8) == ours);
    bool keyframeRequest = v.type == rtcp::type::PayloadFeedback &&
                           ((v.count == kFmtPli && readU32(v.data + 8) == ours) || (v.count == kFmtFir && v.size >= 20 && readU32(v.data + 12) == ours));
    if (!keyframeRequest || !source) return true;
    if (source->keyframeRequests().admit(nowUs)) {
      ++keyframeRequestsForwarded_;
      return true;
    }
    ++keyframeRequestsCoalesced_;
    return false;
  });
}

const rtp::RtpPacketCache* TransportHost::recentPackets(size_t kind) const {
  UdpPort* port = sourcePort(static_cast<MediaKind>(kind));
  return port ? port->recentPackets() : nullptr;
}

UdpPort* TransportHost::videoSourcePort() const { return sourcePort(MediaKind::Video); }

UdpPort* TransportHost::sourcePort(MediaKind media) const {
  for (const auto& a : ports_) {
    if (a.kind == PacketKind::Rtp && a.media == media) return a.port;
  }
  return nullptr;
}

void TransportHost::requestUserKeyframe(int64_t nowUs) {
  auto& rewriter = outbound_[media::index(MediaKind::Video)];
  const auto& to = rtcpRedirect_[media::index(MediaKind::Video)];
  UdpPort* source = videoSourcePort();
  // Before the user's sender has sent anything there is no SSRC to ask, nor a need: it starts with one.
  if (!rewriter || !rewriter->started() || !to || !source) return;
  if (!source->keyframeRequests().admit(nowUs)) {
    ++keyframeRequestsCoalesced_;
    return;
  }
  uint8_t pli[rtcp::kPliSize];
  rtcp::writePictureLossIndication(pli, rewriter->config().ssrc, rewriter->inputSsrc());
  redirect(to, pli, sizeof pli);
  ++keyframeRequestsForwarded_;
}

void TransportHost::scheduleFeedback(int64_t atUs) {
  if (!active_ || !transport_->connected()) return;
  if (feedbackTimer_ && feedbackAtUs_ <= atUs) return;
  if (feedbackTimer_) context_.loop.timers().cancel(*feedbackTimer_);
  feedbackAtUs_ = atUs;
  feedbackTimer_ = context_.loop.timers().schedule(atUs, [this] { onFeedbackTimer(); });
}

void TransportHost::onFeedbackTimer() {
  feedbackTimer_.reset();
  if (!transport_->connected()) return;
  int64_t now = context_.loop.now();
  std::array<std::optional<media::SenderSnapshot>, media::kMediaKinds> senders;
  for (size_t k = 0; k < media::kMediaKinds; ++k) {
    const auto& rewriter = outbound_[k];
    if (!rewriter || !rewriter->started()) continue;
    const auto& s = rewriter->stats();
    senders[k] = media::SenderSnapshot{rewriter->config().ssrc, rewriter->rtpTimestampAt(now), static_cast<uint32_t>(s.packets),
                                       static_cast<uint32_t>(s.payloadOctets), s.bytes};
  }
  uint64_t ntp = ntpNow();
  for (int i = 0; i < kMaxFeedbackDatagramsPerTick; ++i) {
    size_t size = rtcp_->poll(now, ntp, senders, context_.scratch, context_.scratchSize);
    if (size == 0) break;
    transport_->sendRtcp(context_.scratch, size, context_.scratchSize);
  }
  // Never sooner than a millisecond: what is still due then goes in the next round.
  scheduleFeedback(std::max(rtcp_->nextDeadlineUs(), now + 1000));
}

void TransportHost::redirect(const std::optional<net::SocketAddress>& to, const uint8_t* data, size_t size) {
  if (!to) return;
  context_.outbox.send(context_.redirectFdFor(*to), *to, data, size, &redirects_);
}

}  // namespace wg::io
