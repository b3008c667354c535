// IceAgent: construction, gathering, state, timers and the route. Connectivity checks and
// nomination are in IceAgentChecks.cpp.
#include "IceAgent.hpp"

#include "../stun/StunMessageBuilder.hpp"

#include <algorithm>

namespace wg::ice {

const char* iceStateName(IceState state) {
  switch (state) {
    case IceState::New: return "new";
    case IceState::Checking: return "checking";
    case IceState::Connected: return "connected";
    case IceState::Completed: return "completed";
    case IceState::Failed: return "failed";
    case IceState::Closed: return "closed";
  }
  return "new";
}

IceAgent::IceAgent(IceConfig config, Random& random, Listener& listener)
    : config_(std::move(config)),
      random_(random),
      listener_(listener),
      role_(config_.role),
      tieBreaker_(random.u64()),
      checklist_(config_.role == IceRole::Controlling) {
  localUfrag_ = config_.localUfrag.empty() ? random_.iceString(8) : config_.localUfrag;
  localPassword_ = config_.localPassword.empty() ? random_.iceString(24) : config_.localPassword;
  relaysPending_ = config_.relayPaths;
  for (size_t i = 0; i < config_.hostAddresses.size() && !config_.relayOnly; ++i) {
    int socket = static_cast<int>(i);
    Candidate host;
    host.type = CandidateType::Host;
    host.address = config_.hostAddresses[i];
    host.foundation = computeFoundation(CandidateType::Host, host.address, "");
    // The NAT maps the public IP to this socket's one port for port: checks to the advertised
    // address arrive here, and their mapped address names this candidate (no peer-reflexive one).
    if (i < config_.advertisedAddresses.size() && !config_.advertisedAddresses[i].isUnspecified())
      host.address = config_.advertisedAddresses[i].withPort(host.address.port());
    host.priority = candidatePriority(CandidateType::Host, localPreference(socket));
    host.socketIndex = socket;
    checklist_.addLocal(host);
  }
}

uint32_t IceAgent::localPreference(int socketIndex) const {
  // Distinct per socket, in configuration order (RFC 8445 section 5.1.2.1).
  return static_cast<uint32_t>(65535 - 256 * socketIndex);
}

uint32_t IceAgent::peerReflexivePriority(int socketIndex) const {
  // RFC 8445 section 7.1.1: the priority a peer-reflexive candidate learned from this check would get.
  return candidatePriority(CandidateType::PeerReflexive, localPreference(socketIndex));
}

stun::TransactionId IceAgent::newTransactionId() {
  stun::TransactionId id;
  random_.fill(id.data(), id.size());
  return id;
}

std::vector<Candidate> IceAgent::localCandidates() const {
  std::vector<Candidate> out;
  for (const auto& c : checklist_.locals()) {
    // Peer-reflexive local candidates are learned, never signalled (RFC 8445 section 7.2.5.3.1).
    if (c.type != CandidateType::PeerReflexive) out.push_back(c);
  }
  return out;
}

void IceAgent::start(int64_t nowUs) {
  if (started_) return;
  started_ = true;
  startUs_ = nowUs;
  for (size_t i = 0; i < config_.hostAddresses.size() && !config_.relayOnly; ++i) {
    for (const auto& server : config_.stunServers) {
      if (server.family() == config_.hostAddresses[i].family()) gatherJobs_.push_back({static_cast<int>(i), server});
    }
  }
  for (size_t job = 0; job < gatherJobs_.size(); ++job) {
    uint8_t buffer[kStunBufferSize];
    stun::TransactionId id = newTransactionId();
    stun::StunMessageBuilder b(buffer, sizeof(buffer), static_cast<uint16_t>(stun::Method::Binding),
                               stun::MessageClass::Request, id);
    b.addFingerprint();
    StunTransaction t;
    t.purpose = TransactionPurpose::Gathering;
    t.subject = job;
    t.socketIndex = gatherJobs_[job].socketIndex;
    t.destination = gatherJobs_[job].server;
    t.request.assign(b.data(), b.data() + b.size());
    t.rtoUs = config_.timings.gatherRtoUs;
    t.maxRtoUs = config_.timings.gatherRtoUs * 4;
    t.retransmitsLeft = config_.timings.gatherRetransmits;
    t.nextUs = nowUs + t.rtoUs;
    listener_.onIceSend(t.socketIndex, t.destination, t.request.data(), t.request.size());
    transactions_.add(id, std::move(t));
  }
  maybeGatheringComplete();
  scheduleCheckSoon(nowUs);
}

void IceAgent::relayGathered(int64_t nowUs, size_t relay, const std::optional<RelayedCandidate>& gathered) {
  if (relay >= config_.relayPaths || state_ == IceState::Closed) return;
  if (gathered) {
    int path = relayPath(relay);
    Candidate c;
    c.type = CandidateType::Relay;
    c.address = gathered->relayed;
    // With relayOnly the mapped (public) address stays private: raddr 0.0.0.0 rport 0, as browsers do.
    c.relatedAddress = config_.relayOnly
                           ? net::SocketAddress::parse(gathered->relayed.isIpv6() ? "::" : "0.0.0.0", 0).value_or(net::SocketAddress())
                           : gathered->mapped;
    c.foundation = computeFoundation(CandidateType::Relay, gathered->relayed, gathered->url);
    c.priority = candidatePriority(CandidateType::Relay, localPreference(path));
    c.socketIndex = path;
    c.relayIndex = static_cast<int>(relay);
    c.url = gathered->url;
    size_t local = checklist_.addLocal(c);
    checklist_.pairWithRemotes(local);
    listener_.onIceLocalCandidate(c);
    updateState();
    scheduleCheckSoon(nowUs);
  }
  if (relaysPending_ > 0) --relaysPending_;
  maybeGatheringComplete();
}

void IceAgent::maybeGatheringComplete() {
  if (gatheringComplete_ || !started_ || relaysPending_ > 0) return;
  if (!std::all_of(gatherJobs_.begin(), gatherJobs_.end(), [](const GatherJob& j) { return j.done; })) return;
  gatheringComplete_ = true;
  listener_.onIceGatheringComplete();
}

void IceAgent::setRemoteCredentials(int64_t nowUs, const std::string& ufrag, const std::string& password) {
  remoteUfrag_ = ufrag;
  remotePassword_ = password;
  if (!remoteCredentialsUs_) remoteCredentialsUs_ = nowUs;
  updateState();
  scheduleCheckSoon(nowUs);
}

bool IceAgent::restart(int64_t nowUs, const std::string& ufrag, const std::string& password) {
  if (state_ == IceState::Failed || state_ == IceState::Closed) return false;
  // The pair data uses stays until the new generation nominates one; a restart during a
  // restart keeps the pair that still carries data.
  if (routePair_ && remoteUfrag_ && remotePassword_) {
    const CandidatePair& p = checklist_.pairs()[*routePair_];
    previous_ = PreviousGeneration{localUfrag_, localPassword_, *remoteUfrag_, *remotePassword_,
                                   checklist_.local(p), checklist_.remote(p)};
  }
  if (!previous_) {
    // Never connected: a route learned from an old-credential check is no proof any more.
    route_ = IceRoute{};
    nextConsentUs_.reset();
  }
  // RFC 8445 section 9: new ufrag and password (RFC 8839 section 4.4.1.1.1: both change).
  localUfrag_ = random_.iceString(8);
  localPassword_ = random_.iceString(24);
  // An offerer restarts before the answer brings the peer's new credentials (then empty here,
  // given later with setRemoteCredentials()).
  remoteUfrag_.reset();
  remotePassword_.reset();
  if (!ufrag.empty() && !password.empty()) {
    remoteUfrag_ = ufrag;
    remotePassword_ = password;
  }
  remoteCredentialsUs_.reset();
  if (remotePassword_) remoteCredentialsUs_ = nowUs;
  remoteEndOfCandidates_ = false;
  // The peer's data may come from any path of the previous generation it selected (not always
  // the one we route on): those stay trusted, as check sources, while the new checks run.
  for (const auto& p : checklist_.pairs()) {
    if (p.valid) authenticated_.addCheckSource(checklist_.local(p).socketIndex, checklist_.remote(p).address);
  }
  checklist_.restart();
  transactions_.eraseAllBut(TransactionPurpose::Gathering);  // they name pairs of the old list
  nominatedPair_.reset();
  routePair_.reset();
  nominationDeadlineUs_.reset();
  nextCheckUs_.reset();
  ++stats_.restarts;
  updateState();
  scheduleCheckSoon(nowUs);
  return true;
}

void IceAgent::addRemoteCandidate(int64_t nowUs, Candidate candidate) {
  if (state_ == IceState::Closed || state_ == IceState::Failed) return;
  if (auto existing = checklist_.findRemote(candidate.address)) {
    // Already known as peer-reflexive from a check: the signalled candidate tells us more.
    checklist_.learnRemoteType(*existing, candidate.type, candidate.foundation);
    return;
  }
  candidate.socketIndex = -1;
  candidate.relayIndex = -1;
  if (!checklist_.addRemote(candidate)) return;
  updateState();
  scheduleCheckSoon(nowUs);
}

void IceAgent::setRemoteEndOfCandidates(int64_t nowUs) {
  remoteEndOfCandidates_ = true;
  checkForFailure(nowUs);
}

void IceAgent::handleGatherResponse(int64_t, const StunTransaction& t, const stun::StunMessage& m) {
  auto mapped = m.messageClass() == stun::MessageClass::SuccessResponse ? m.xorMappedAddress() : std::nullopt;
  if (!mapped) mapped = m.messageClass() == stun::MessageClass::SuccessResponse ? m.mappedAddress() : std::nullopt;
  const net::SocketAddress& base = config_.hostAddresses[t.socketIndex];
  if (mapped && *mapped != base && !checklist_.findLocal(t.socketIndex, *mapped)) {
    Candidate srflx;
    srflx.type = CandidateType::ServerReflexive;
    srflx.address = *mapped;
    srflx.relatedAddress = base;
    srflx.foundation = computeFoundation(CandidateType::ServerReflexive, base, t.destination.toString());
    srflx.priority = candidatePriority(CandidateType::ServerReflexive, localPreference(t.socketIndex));
    srflx.socketIndex = t.socketIndex;
    checklist_.addLocal(srflx);
    listener_.onIceLocalCandidate(srflx);
  }
  finishGatherJob(t.subject);
}

void IceAgent::finishGatherJob(size_t job) {
  if (job >= gatherJobs_.size() || gatherJobs_[job].done) return;
  gatherJobs_[job].done = true;
  maybeGatheringComplete();
}

void IceAgent::updateRoute(int64_t nowUs) {
  // During a restart only a nominated pair replaces the previous one (RFC 8445 section 9).
  auto route = nominatedPair_ ? nominatedPair_ : previous_ ? std::nullopt : checklist_.bestValid();
  if (!route || route == routePair_) return;
  bool first = !routePair_;
  routePair_ = route;
  // The restart is over: old-credential checks get 401 from now on, consent runs on the new pair.
  previous_.reset();
  const CandidatePair& p = checklist_.pairs()[*route];
  setRoute(checklist_.local(p).socketIndex, checklist_.remote(p).address);
  if (first) {
    // A successful check is consent (RFC 7675 section 5.1); freshness checks start from here.
    lastConsentUs_ = nowUs;
    int64_t interval = config_.timings.consentIntervalUs;
    nextConsentUs_ = nowUs + interval * 8 / 10 + static_cast<int64_t>(random_.below(interval * 4 / 10 + 1));
  }
  listener_.onIceSelectedPair(checklist_.local(p), checklist_.remote(p));
}

// A relay path's socket index names its TURN allocation (see relayPath()).
void IceAgent::setRoute(int socketIndex, const net::SocketAddress& remote) {
  route_.socketIndex = socketIndex;
  route_.relayIndex = isRelayPath(socketIndex) ? socketIndex - static_cast<int>(config_.hostAddresses.size()) : -1;
  route_.remote = remote;
}

void IceAgent::updateState() {
  if (state_ == IceState::Failed || state_ == IceState::Closed) return;
  IceState next = state_;
  if (nominatedPair_) next = IceState::Completed;
  else if (routePair_ || previous_) next = IceState::Connected;
  else if (remotePassword_ || !checklist_.pairs().empty()) next = IceState::Checking;
  if (next != state_) {
    state_ = next;
    listener_.onIceStateChange(state_);
  }
}

void IceAgent::fail() {
  if (state_ == IceState::Failed || state_ == IceState::Closed) return;
  state_ = IceState::Failed;
  route_ = IceRoute{};  // no consent (RFC 7675 section 5.1): nothing more may be sent
  nextCheckUs_.reset();
  nextConsentUs_.reset();
  nominationDeadlineUs_.reset();
  listener_.onIceStateChange(state_);
}

void IceAgent::checkForFailure(int64_t nowUs) {
  if (!started_ || state_ == IceState::Failed || state_ == IceState::Closed) return;
  if (routePair_ || previous_) {
    // RFC 7675 section 5.1: no consent for 30 s ends the session. A restart whose checks fail
    // does not: the previous pair stays in use while its consent lasts.
    if (nowUs - lastConsentUs_ >= config_.timings.consentTimeoutUs) fail();
    return;
  }
  auto deadline = connectDeadline();
  if ((remoteEndOfCandidates_ && checklist_.allFailed()) || (deadline && nowUs >= *deadline)) fail();
}

// Without the remote's credentials no check can run: an offer whose answer has not come has
// nothing to time out yet (whoever waits for the answer decides how long to wait).
std::optional<int64_t> IceAgent::connectDeadline() const {
  if (!started_ || !remoteCredentialsUs_) return std::nullopt;
  return std::max(startUs_, *remoteCredentialsUs_) + config_.timings.connectTimeoutUs;
}

void IceAgent::onTransactionExpired(const StunTransaction& t) {
  if (t.purpose == TransactionPurpose::Gathering) {
    finishGatherJob(t.subject);
  } else if (t.purpose == TransactionPurpose::ConnectivityCheck) {
    CandidatePair& pair = checklist_.pairs()[t.subject];
    if (pair.state == PairState::InProgress) {
      pair.state = PairState::Failed;
      pair.nominateOnSuccess = false;
    }
  }
}

void IceAgent::handleTimeout(int64_t nowUs) {
  if (state_ == IceState::Closed) return;
  transactions_.runDue(
      nowUs,
      [this](const StunTransaction& t) { listener_.onIceSend(t.socketIndex, t.destination, t.request.data(), t.request.size()); },
      [this](const StunTransaction& t) { onTransactionExpired(t); });
  if (nextCheckUs_ && nowUs >= *nextCheckUs_) sendNextCheck(nowUs);
  if (nominationDeadlineUs_ && nowUs >= *nominationDeadlineUs_) {
    nominationDeadlineUs_.reset();
    if (auto best = checklist_.bestValid(); best && !nominatedPair_) startNomination(nowUs, *best);
  }
  if (nextConsentUs_ && nowUs >= *nextConsentUs_ && state_ != IceState::Failed) {
    if (routePair_) sendCheck(nowUs, *routePair_, TransactionPurpose::Consent);
    else if (previous_) sendPreviousConsent(nowUs);
    int64_t interval = config_.timings.consentIntervalUs;
    nextConsentUs_.reset();
    if (routePair_ || previous_)
      nextConsentUs_ = nowUs + interval * 8 / 10 + static_cast<int64_t>(random_.below(interval * 4 / 10 + 1));
  }
  // An agent that became controlling through a role conflict may hold valid pairs already.
  considerNomination(nowUs);
  checkForFailure(nowUs);
}

std::optional<int64_t> IceAgent::nextTimeout() const {
  if (state_ == IceState::Closed || state_ == IceState::Failed) return std::nullopt;
  std::optional<int64_t> earliest = transactions_.nextDeadline();
  auto consider = [&earliest](std::optional<int64_t> t) {
    if (t && (!earliest || *t < *earliest)) earliest = t;
  };
  consider(nextCheckUs_);
  consider(nominationDeadlineUs_);
  consider(nextConsentUs_);
  if (started_) consider(routePair_ || previous_ ? std::optional<int64_t>(lastConsentUs_ + config_.timings.consentTimeoutUs)
                                    : connectDeadline());
  return earliest;
}

std::optional<std::pair<Candidate, Candidate>> IceAgent::selectedPair() const {
  if (!routePair_ && previous_) return std::make_pair(previous_->local, previous_->remote);
  if (routePair_) {
    const CandidatePair& p = checklist_.pairs()[*routePair_];
    return std::make_pair(checklist_.local(p), checklist_.remote(p));
  }
  // No pair valid yet, but data already answers where the peer's check came from (see
  // handleRequest): that path carries it, so it is the one to report.
  if (!route_.valid()) return std::nullopt;
  auto local = checklist_.baseOf(route_.socketIndex);
  auto remote = checklist_.findRemote(route_.remote);
  if (!local || !remote) return std::nullopt;
  return std::make_pair(checklist_.locals()[*local], checklist_.remotes()[*remote]);
}

void IceAgent::close() {
  if (state_ == IceState::Closed) return;
  state_ = IceState::Closed;
  route_ = IceRoute{};
  nextCheckUs_.reset();
  nextConsentUs_.reset();
  nominationDeadlineUs_.reset();
  listener_.onIceStateChange(state_);
}
}  // namespace wg::ice
