#include "TurnClient.hpp"

#include "../stun/StunMessageBuilder.hpp"
#include "ChannelData.hpp"

#include <algorithm>

namespace wg::turn {

namespace {
constexpr size_t kRequestBufferSize = 1024;
// Send indication overhead: header, XOR-PEER-ADDRESS (IPv6), DATA header and padding.
constexpr size_t kIndicationOverhead = 20 + 24 + 4 + 3;
constexpr uint8_t kUdpProtocol = 17;  // REQUESTED-TRANSPORT (RFC 8656 section 18.7)

uint16_t methodOf(TurnRequestKind kind) {
  switch (kind) {
    case TurnRequestKind::Allocate: return static_cast<uint16_t>(stun::Method::Allocate);
    case TurnRequestKind::Refresh:
    case TurnRequestKind::Deallocate: return static_cast<uint16_t>(stun::Method::Refresh);
    case TurnRequestKind::CreatePermission: return static_cast<uint16_t>(stun::Method::CreatePermission);
    case TurnRequestKind::ChannelBind: return static_cast<uint16_t>(stun::Method::ChannelBind);
  }
  return 0;
}

// The reason phrase as text for logs: up to its first NUL (coturn sends one), control
// characters dropped, at most 128 bytes (RFC 8489 section 14.8: under 128 characters).
std::string readableReason(std::string_view reason) {
  std::string out;
  for (char c : reason) {
    if (c == '\0' || out.size() >= 128) break;
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out += c;
  }
  return out;
}
}  // namespace

const char* turnTransportName(TurnTransport transport) {
  switch (transport) {
    case TurnTransport::Udp: return "udp";
    case TurnTransport::Tcp: return "tcp";
    case TurnTransport::Tls: return "tls";
  }
  return "udp";
}

const char* turnStateName(TurnState state) {
  switch (state) {
    case TurnState::New: return "new";
    case TurnState::Allocating: return "allocating";
    case TurnState::Allocated: return "allocated";
    case TurnState::Closing: return "closing";
    case TurnState::Closed: return "closed";
    case TurnState::Failed: return "failed";
  }
  return "new";
}

std::string TurnError::describe() const {
  std::string s = server;
  if (code != 0) s += " " + std::to_string(code);
  if (!reason.empty()) s += " " + reason;
  return s;
}

TurnClient::TurnClient(TurnClientConfig config, Random& random, Listener& listener)
    : config_(std::move(config)),
      random_(random),
      listener_(listener),
      credentials_(config_.username, config_.password),
      sendBuffer_(kMaxPayload + kIndicationOverhead + 8) {
  if (config_.url.empty()) config_.url = std::string("turn:") + config_.server.toString();
  if (config_.relayFamily == 0) config_.relayFamily = config_.server.family();
  config_.timings.transmissions = std::max(config_.timings.transmissions, 1);
}

stun::TransactionId TurnClient::newTransactionId() {
  stun::TransactionId id;
  random_.fill(id.data(), id.size());
  return id;
}

void TurnClient::start(int64_t nowUs) {
  if (state_ != TurnState::New) return;
  state_ = TurnState::Allocating;
  // RFC 8489 section 9.2.3.1: the first request carries no credentials; the 401 brings the realm and nonce.
  sendRequest(nowUs, TurnRequestKind::Allocate, 0, 0);
}

bool TurnClient::sendRequest(int64_t nowUs, TurnRequestKind kind, size_t subject, int staleRetries) {
  if (transactions_.full()) {
    ++stats_.transactionsRefused;
    return false;
  }
  uint8_t buffer[kRequestBufferSize];
  stun::TransactionId id = newTransactionId();
  stun::StunMessageBuilder b(buffer, sizeof buffer, methodOf(kind), stun::MessageClass::Request, id);
  bool authenticated = credentials_.ready();
  if (authenticated) credentials_.addAttributes(b);
  switch (kind) {
    case TurnRequestKind::Allocate: {
      // RFC 8656 section 7.1: REQUESTED-TRANSPORT (protocol in the first byte), the family if
      // not IPv4, the lifetime if wanted.
      uint8_t transport[4] = {kUdpProtocol, 0, 0, 0};
      b.addBytes(stun::attr::RequestedTransport, transport, sizeof transport);
      if (config_.relayFamily == AF_INET6) {
        uint8_t family[4] = {0x02, 0, 0, 0};
        b.addBytes(stun::attr::RequestedAddressFamily, family, sizeof family);
      }
      if (config_.lifetimeSeconds > 0) b.addU32(stun::attr::Lifetime, config_.lifetimeSeconds);
      break;
    }
    case TurnRequestKind::Refresh:
      // RFC 8656 section 8.1: LIFETIME asks for a time-to-expiry; without it the server applies
      // its default. Without a configured lifetime the client asks for that default (600 s)
      // explicitly, so a server that caps lifetimes (coturn's --max-allocate-lifetime) caps the
      // Refresh as it capped the Allocate: coturn 4.6 gives 600 s past its cap to a Refresh without
      // LIFETIME or asking less than 600 s (section 8.2's "default lifetime" floor).
      b.addU32(stun::attr::Lifetime, config_.lifetimeSeconds > 0 ? config_.lifetimeSeconds : kDefaultLifetimeSeconds);
      break;
    case TurnRequestKind::Deallocate:
      b.addU32(stun::attr::Lifetime, 0);  // RFC 8656 section 8: a lifetime of 0 deletes the allocation
      break;
    case TurnRequestKind::CreatePermission:
      b.addXorAddress(stun::attr::XorPeerAddress, peers_.permissions()[subject].ip);
      break;
    case TurnRequestKind::ChannelBind: {
      const auto& channel = peers_.channels()[subject];
      b.addU32(stun::attr::ChannelNumber, uint32_t{channel.number} << 16);  // number, then RFFU
      b.addXorAddress(stun::attr::XorPeerAddress, channel.peer);
      break;
    }
  }
  if (authenticated) credentials_.sign(b);
  b.addFingerprint();
  if (!b.ok()) return false;

  TurnTransaction t;
  t.id = id;
  t.kind = kind;
  t.subject = subject;
  t.authenticated = authenticated;
  t.staleRetries = staleRetries;
  t.request.assign(b.data(), b.data() + b.size());
  t.rtoUs = config_.timings.rtoUs;
  // RFC 8489 section 6.2.1: retransmit over UDP only; a stream is reliable, so one long timeout.
  t.transmissionsLeft = overStream() ? 0 : config_.timings.transmissions - 1;
  t.nextUs = nowUs + (overStream() ? config_.timings.streamTimeoutUs
                                   : t.transmissionsLeft > 0 ? t.rtoUs
                                                             : t.rtoUs * config_.timings.lastWaitRtos);
  ++stats_.requests;
  listener_.onTurnSend(t.request.data(), t.request.size());
  transactions_.add(std::move(t));
  return true;
}

void TurnClient::handleDatagram(int64_t nowUs, uint8_t* data, size_t size) {
  if (state_ == TurnState::New || state_ == TurnState::Closed || state_ == TurnState::Failed) return;
  handleFrame(nowUs, data, size);
}

void TurnClient::handleStreamBytes(int64_t nowUs, uint8_t* data, size_t size) {
  if (state_ == TurnState::New || state_ == TurnState::Closed || state_ == TurnState::Failed) return;
  bool ok = deframer_.push(data, size, [this, nowUs](uint8_t* frame, size_t frameSize) {
    if (state_ != TurnState::Closed && state_ != TurnState::Failed) handleFrame(nowUs, frame, frameSize);
  });
  if (!ok && state_ != TurnState::Failed && state_ != TurnState::Closed) {
    ++stats_.malformed;
    fail(0, "lost the framing of the stream");
  }
}

void TurnClient::handleStreamClosed(const std::string& reason) {
  if (state_ == TurnState::Closing) finishClose();
  else fail(0, reason);
}

void TurnClient::handleFrame(int64_t nowUs, uint8_t* data, size_t size) {
  if (size == 0) return;
  if (looksLikeChannelData(data[0])) {
    auto view = parseChannelData(data, size);
    auto channel = view ? peers_.channelByNumber(view->channel) : std::nullopt;
    if (!channel || peers_.channels()[*channel].state == TurnPermissionTable::State::Failed) {
      ++stats_.malformed;
      return;
    }
    ++stats_.channelDataReceived;
    stats_.bytesReceived += view->length;
    listener_.onTurnPeerData(peers_.channels()[*channel].peer, view->payload, view->length);
    return;
  }
  auto m = stun::StunMessage::parse(data, size);
  if (!m || (m->hasFingerprint() && !m->verifyFingerprint())) {
    ++stats_.malformed;
    return;
  }
  switch (m->messageClass()) {
    case stun::MessageClass::Indication:
      if (m->method() == static_cast<uint16_t>(stun::Method::Data)) handleDataIndication(*m);
      break;
    case stun::MessageClass::SuccessResponse:
    case stun::MessageClass::ErrorResponse:
      handleResponse(nowUs, *m);
      break;
    case stun::MessageClass::Request:
      break;  // a server sends none
  }
}

void TurnClient::handleResponse(int64_t nowUs, const stun::StunMessage& m) {
  bool success = m.messageClass() == stun::MessageClass::SuccessResponse;
  auto error = m.errorCode();
  auto t = transactions_.take(m.transactionId());
  if (!t) return;  // late, duplicate or not ours
  uint16_t code = error ? error->code : 0;
  bool challenge = code == stun::error::Unauthorized || code == stun::error::StaleNonce;
  // RFC 8489 section 9.2.5: an answer to an authenticated request must carry integrity that
  // verifies, except the challenges themselves; anything else may be forged and is ignored
  // (the transaction keeps waiting).
  bool mustVerify = t->authenticated && !challenge && (success || m.hasMessageIntegrity() || m.hasMessageIntegritySha256());
  if ((mustVerify && !credentials_.verify(m)) || (!success && !error)) {
    if (mustVerify) ++stats_.unauthenticated;
    else ++stats_.malformed;
    transactions_.add(std::move(*t));
    return;
  }
  if (success) {
    handleSuccess(nowUs, *t, m);
    return;
  }
  std::string reason = readableReason(error->reason);
  if (code == stun::error::Unauthorized && !t->authenticated && credentials_.learnChallenge(m)) {
    // The challenge of a first request: once with credentials. A 401 to that is final.
    ++stats_.authRetries;
    sendRequest(nowUs, t->kind, t->subject, t->staleRetries);
    return;
  }
  if (code == stun::error::StaleNonce && t->staleRetries < kMaxStaleNonceRetries && credentials_.learnChallenge(m)) {
    ++stats_.staleNonceRetries;
    sendRequest(nowUs, t->kind, t->subject, t->staleRetries + 1);
    return;
  }
  ++stats_.errors;
  handleRequestFailure(nowUs, *t, code, reason);
}

void TurnClient::handleSuccess(int64_t nowUs, const TurnTransaction& t, const stun::StunMessage& m) {
  switch (t.kind) {
    case TurnRequestKind::Allocate: {
      if (state_ != TurnState::Allocating) return;
      auto relayed = m.xorAddress(stun::attr::XorRelayedAddress);
      if (!relayed) {
        fail(0, "Allocate answered without XOR-RELAYED-ADDRESS");
        return;
      }
      TurnAllocation a;
      a.relayed = *relayed;
      a.mapped = m.xorMappedAddress().value_or(net::SocketAddress());
      a.lifetimeSeconds = m.u32Attribute(stun::attr::Lifetime).value_or(600);
      allocation_ = a;
      state_ = TurnState::Allocated;
      scheduleRefresh(nowUs, a.lifetimeSeconds);
      listener_.onTurnAllocated(a);
      if (state_ == TurnState::Allocated) sendPeerRequests(nowUs, false);
      return;
    }
    case TurnRequestKind::Refresh: {
      if (state_ != TurnState::Allocated) return;
      ++stats_.refreshes;
      uint32_t lifetime = m.u32Attribute(stun::attr::Lifetime).value_or(allocation_->lifetimeSeconds);
      allocation_->lifetimeSeconds = lifetime;
      scheduleRefresh(nowUs, lifetime);
      return;
    }
    case TurnRequestKind::Deallocate:
      finishClose();
      return;
    case TurnRequestKind::CreatePermission:
    case TurnRequestKind::ChannelBind:
      handlePeerSuccess(nowUs, t);
      return;
  }
}

void TurnClient::handleRequestFailure(int64_t, const TurnTransaction& t, uint16_t code, const std::string& reason) {
  switch (t.kind) {
    case TurnRequestKind::Allocate:
    case TurnRequestKind::Refresh:
      // Without the allocation there is nothing left to do (a failed Refresh means it is gone).
      if (state_ == TurnState::Allocating || state_ == TurnState::Allocated) fail(code, reason);
      return;
    case TurnRequestKind::Deallocate:
      finishClose();  // 437 included: it is gone either way
      return;
    case TurnRequestKind::CreatePermission:
    case TurnRequestKind::ChannelBind:
      handlePeerFailure(t, code);
      return;
  }
}

void TurnClient::scheduleRefresh(int64_t nowUs, uint32_t lifetimeSeconds) {
  int64_t lifetimeUs = int64_t{lifetimeSeconds} * 1'000'000;
  refreshAtUs_ = nowUs + lifetimeUs - std::min(config_.timings.refreshMarginUs, lifetimeUs / 2);
}

void TurnClient::handleTimeout(int64_t nowUs) {
  if (state_ == TurnState::New || state_ == TurnState::Closed || state_ == TurnState::Failed) return;
  std::vector<TurnTransaction> expired;
  transactions_.runDue(
      nowUs, config_.timings.lastWaitRtos, config_.timings.rtoUs,
      [this](const TurnTransaction& t) {
        ++stats_.retransmits;
        listener_.onTurnSend(t.request.data(), t.request.size());
      },
      expired);
  for (const auto& t : expired) {
    ++stats_.timeouts;
    handleRequestFailure(nowUs, t, 0, "no answer");
    if (state_ == TurnState::Closed || state_ == TurnState::Failed) return;
  }
  if (state_ != TurnState::Allocated) return;
  if (refreshAtUs_ && nowUs >= *refreshAtUs_ && !transactions_.pending(TurnRequestKind::Refresh)) {
    if (sendRequest(nowUs, TurnRequestKind::Refresh, 0, 0)) refreshAtUs_.reset();
  }
  sendPeerRequests(nowUs, true);
}

std::optional<int64_t> TurnClient::nextTimeout() const {
  if (state_ == TurnState::New || state_ == TurnState::Closed || state_ == TurnState::Failed) return std::nullopt;
  std::optional<int64_t> earliest = transactions_.nextDeadline();
  auto consider = [&earliest](std::optional<int64_t> t) {
    if (t && (!earliest || *t < *earliest)) earliest = t;
  };
  if (state_ == TurnState::Allocated) {
    consider(refreshAtUs_);
    consider(peers_.nextRefreshUs());
  }
  return earliest;
}

void TurnClient::close(int64_t nowUs) {
  if (state_ == TurnState::Closing || state_ == TurnState::Closed || state_ == TurnState::Failed) return;
  bool allocated = state_ == TurnState::Allocated;
  transactions_.clear();
  refreshAtUs_.reset();
  if (allocated) {
    state_ = TurnState::Closing;
    if (sendRequest(nowUs, TurnRequestKind::Deallocate, 0, 0)) return;
  }
  finishClose();
}

void TurnClient::finishClose() {
  if (state_ == TurnState::Closed) return;
  state_ = TurnState::Closed;
  transactions_.clear();
  listener_.onTurnClosed();
}

void TurnClient::fail(uint16_t code, const std::string& reason) {
  if (state_ == TurnState::Failed || state_ == TurnState::Closed) return;
  state_ = TurnState::Failed;
  transactions_.clear();
  refreshAtUs_.reset();
  listener_.onTurnFailed(TurnError{code, reason, config_.url});
}

}  // namespace wg::turn
