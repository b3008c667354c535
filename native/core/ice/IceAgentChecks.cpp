// IceAgent, continued: connectivity checks (RFC 8445 section 7), answering them, and nomination
// (section 8). Construction, gathering, state, timers and the route are in IceAgent.cpp.
#include "IceAgent.hpp"

#include "../stun/StunMessageBuilder.hpp"

#include <algorithm>

namespace wg::ice {

void IceAgent::handleStun(int64_t nowUs, int socketIndex, const net::SocketAddress& from, const uint8_t* data,
                          size_t size) {
  if (state_ == IceState::Closed) return;
  auto message = stun::StunMessage::parse(data, size);
  if (!message || (message->hasFingerprint() && !message->verifyFingerprint())) {
    ++stats_.malformed;
    return;
  }
  if (message->method() != static_cast<uint16_t>(stun::Method::Binding)) return;
  switch (message->messageClass()) {
    case stun::MessageClass::Request:
      handleRequest(nowUs, socketIndex, from, *message);
      break;
    case stun::MessageClass::SuccessResponse:
    case stun::MessageClass::ErrorResponse:
      handleResponse(nowUs, socketIndex, from, *message);
      break;
    case stun::MessageClass::Indication:
      break;  // keepalive (RFC 8445 section 11)
  }
  checkForFailure(nowUs);
}

void IceAgent::respond(int socketIndex, const net::SocketAddress& to, const stun::StunMessage& request,
                       uint16_t errorCode, const std::string& password) {
  uint8_t buffer[kStunBufferSize];
  bool success = errorCode == 0;
  stun::StunMessageBuilder b(buffer, sizeof(buffer), static_cast<uint16_t>(stun::Method::Binding),
                             success ? stun::MessageClass::SuccessResponse : stun::MessageClass::ErrorResponse,
                             request.transactionId());
  if (success) {
    b.addXorAddress(stun::attr::XorMappedAddress, to);
    b.addMessageIntegrity(password);
  } else {
    b.addErrorCode(errorCode, errorCode == stun::error::RoleConflict ? "Role Conflict"
                              : errorCode == stun::error::Unauthorized ? "Unauthorized"
                                                                       : "Bad Request");
    // A role conflict comes from an authenticated request, so its answer is signed too.
    if (errorCode == stun::error::RoleConflict) b.addMessageIntegrity(password);
  }
  b.addFingerprint();
  if (b.ok()) listener_.onIceSend(socketIndex, to, b.data(), b.size());
}

// RFC 8445 section 7.3: a connectivity check from the peer.
void IceAgent::handleRequest(int64_t nowUs, int socketIndex, const net::SocketAddress& from,
                             const stun::StunMessage& m) {
  ++stats_.checksReceived;
  auto username = m.username();
  if (!m.hasMessageIntegrity() || !username) {
    ++stats_.unauthenticated;
    respond(socketIndex, from, m, stun::error::BadRequest, localPassword_);
    return;
  }
  // USERNAME is "<our ufrag>:<their ufrag>" (RFC 8445 section 7.2.2).
  if (previous_ && answerPreviousGeneration(socketIndex, from, m, *username)) return;
  size_t colon = username->find(':');
  bool ours = colon != std::string_view::npos && username->substr(0, colon) == localUfrag_;
  std::string_view theirs = ours ? username->substr(colon + 1) : std::string_view();
  if (!ours || !m.verifyMessageIntegrity(localPassword_) || (remoteUfrag_ && theirs != *remoteUfrag_)) {
    ++stats_.unauthenticated;
    respond(socketIndex, from, m, stun::error::Unauthorized, localPassword_);
    return;
  }
  // RFC 8445 section 7.3.1.1: role conflict, decided by the tie-breakers.
  if (role_ == IceRole::Controlling && m.iceControlling()) {
    ++stats_.roleConflicts;
    if (tieBreaker_ >= *m.iceControlling()) {
      respond(socketIndex, from, m, stun::error::RoleConflict, localPassword_);
      return;
    }
    switchRole(IceRole::Controlled);
  } else if (role_ == IceRole::Controlled && m.iceControlled()) {
    ++stats_.roleConflicts;
    if (tieBreaker_ >= *m.iceControlled()) {
      switchRole(IceRole::Controlling);
    } else {
      respond(socketIndex, from, m, stun::error::RoleConflict, localPassword_);
      return;
    }
  }
  respond(socketIndex, from, m, 0, localPassword_);

  authenticated_.addCheckSource(socketIndex, from);
  // RFC 8445 section 7.3.1.3: an unknown source is a peer-reflexive remote candidate.
  auto remote = checklist_.findRemote(from);
  if (!remote) {
    Candidate prflx;
    prflx.type = CandidateType::PeerReflexive;
    prflx.foundation = "prflx" + std::to_string(++peerReflexiveCount_);
    prflx.priority = m.priority().value_or(0);
    prflx.address = from;
    remote = checklist_.addRemote(prflx);
    if (!remote) return;
  }
  auto local = checklist_.baseOf(socketIndex);
  if (!local) return;
  auto pair = checklist_.ensurePair(*local, *remote, PairState::Waiting);
  if (!pair) return;
  bool useCandidate = role_ == IceRole::Controlled && m.hasUseCandidate();
  // RFC 8445 sections 7.3.1.4 and 7.3.1.5.
  if (checklist_.pairs()[*pair].state == PairState::Succeeded) {
    if (useCandidate) nominate(nowUs, *pair);
  } else {
    if (useCandidate) checklist_.pairs()[*pair].nominateOnSuccess = true;
    checklist_.trigger(*pair);
    scheduleCheckSoon(nowUs);
  }
  // Until a pair is valid, media may answer where the peer's check came from.
  if (!route_.valid() && !routePair_ && state_ != IceState::Failed) setRoute(socketIndex, from);
  updateState();
}

// During a restart the peer may keep checking (refreshing consent on) the previous pair with the
// old credentials until it has our new ones: answered, signed with the old password, without
// touching the new checklist. The old ufrag with the peer's new one (libwebrtc's new ports check
// so before our answer reaches it) is no username of either generation: 401 (RFC 8489 section
// 9.1.3); libwebrtc pairs those ports again once it has our new credentials.
bool IceAgent::answerPreviousGeneration(int socketIndex, const net::SocketAddress& from, const stun::StunMessage& m,
                                        std::string_view username) {
  const PreviousGeneration& old = *previous_;
  size_t colon = username.find(':');
  if (colon == std::string_view::npos || username.substr(0, colon) != old.localUfrag) return false;
  if (!m.verifyMessageIntegrity(old.localPassword) || username.substr(colon + 1) != old.remoteUfrag) {
    ++stats_.unauthenticated;
    respond(socketIndex, from, m, stun::error::Unauthorized, old.localPassword);
    return true;
  }
  respond(socketIndex, from, m, 0, old.localPassword);
  return true;
}

// RFC 7675 consent on the previous pair while a restart runs, with that pair's credentials.
void IceAgent::sendPreviousConsent(int64_t nowUs) {
  const PreviousGeneration& old = *previous_;
  uint8_t buffer[kStunBufferSize];
  stun::TransactionId id = newTransactionId();
  stun::StunMessageBuilder b(buffer, sizeof(buffer), static_cast<uint16_t>(stun::Method::Binding),
                             stun::MessageClass::Request, id);
  b.addString(stun::attr::Username, old.remoteUfrag + ":" + old.localUfrag);
  b.addU32(stun::attr::Priority, peerReflexivePriority(old.local.socketIndex));
  b.addU64(role_ == IceRole::Controlling ? stun::attr::IceControlling : stun::attr::IceControlled, tieBreaker_);
  b.addMessageIntegrity(old.remotePassword);
  b.addFingerprint();
  if (!b.ok()) return;
  StunTransaction t;
  t.purpose = TransactionPurpose::PreviousConsent;
  t.socketIndex = old.local.socketIndex;
  t.destination = old.remote.address;
  t.sentControlling = role_ == IceRole::Controlling;
  t.request.assign(b.data(), b.data() + b.size());
  t.rtoUs = config_.timings.consentIntervalUs;
  t.maxRtoUs = config_.timings.maxCheckRtoUs;
  t.retransmitsLeft = 0;
  t.nextUs = nowUs + t.rtoUs;
  ++stats_.consentRequestsSent;
  listener_.onIceSend(t.socketIndex, t.destination, t.request.data(), t.request.size());
  transactions_.add(id, std::move(t));
}

// RFC 8445 section 7.2.5: the answer to one of our requests.
void IceAgent::handleResponse(int64_t nowUs, int socketIndex, const net::SocketAddress& from,
                              const stun::StunMessage& m) {
  StunTransaction* pending = transactions_.find(m.transactionId());
  if (pending == nullptr) return;  // late, duplicate or not ours
  ++stats_.responsesReceived;
  if (pending->purpose == TransactionPurpose::Gathering) {
    StunTransaction t = *transactions_.take(m.transactionId());
    handleGatherResponse(nowUs, t, m);
    return;
  }
  if (pending->purpose == TransactionPurpose::PreviousConsent) {
    bool fresh = previous_ && m.messageClass() == stun::MessageClass::SuccessResponse && from == pending->destination &&
                 socketIndex == pending->socketIndex && m.verifyMessageIntegrity(previous_->remotePassword);
    if (!fresh) {
      if (previous_ && !m.verifyMessageIntegrity(previous_->remotePassword)) ++stats_.unauthenticated;
      return;
    }
    transactions_.take(m.transactionId());
    ++stats_.consentResponses;
    lastConsentUs_ = nowUs;
    return;
  }
  // Check and consent responses are signed with the peer's password; anything else may be
  // forged, so it is ignored and the transaction keeps waiting.
  if (!remotePassword_ || !m.verifyMessageIntegrity(*remotePassword_)) {
    ++stats_.unauthenticated;
    return;
  }
  bool roleConflict = m.messageClass() == stun::MessageClass::ErrorResponse && m.errorCode() &&
                      m.errorCode()->code == stun::error::RoleConflict;
  StunTransaction t = *transactions_.take(m.transactionId());
  size_t pair = t.subject;
  // RFC 8445 section 7.2.5.2.1: the response must come back on the path the request took.
  if (from != t.destination || socketIndex != t.socketIndex) {
    if (t.purpose == TransactionPurpose::ConnectivityCheck) checklist_.markFailed(pair);
    return;
  }
  if (m.messageClass() == stun::MessageClass::ErrorResponse) {
    if (roleConflict && t.purpose == TransactionPurpose::ConnectivityCheck) {
      // RFC 8445 section 7.2.5.1: take the role opposite to the one the request claimed (we may
      // have switched already) and check the pair again.
      ++stats_.roleConflicts;
      IceRole wanted = t.sentControlling ? IceRole::Controlled : IceRole::Controlling;
      if (wanted != role_) switchRole(wanted);
      checklist_.trigger(pair);
      scheduleCheckSoon(nowUs);
    } else if (t.purpose == TransactionPurpose::ConnectivityCheck) {
      checklist_.markFailed(pair);
    }
    return;
  }
  if (t.purpose == TransactionPurpose::Consent) {
    ++stats_.consentResponses;
    if (routePair_ == pair) lastConsentUs_ = nowUs;
    return;
  }
  handleCheckSuccess(nowUs, t, m);
}

void IceAgent::handleCheckSuccess(int64_t nowUs, const StunTransaction& t, const stun::StunMessage& m) {
  size_t checked = t.subject;
  auto mapped = m.xorMappedAddress();
  if (!mapped) {
    checklist_.markFailed(checked);
    return;
  }
  // RFC 8445 section 7.2.5.3.1: the mapped address names the local candidate of the valid
  // pair; an address we do not know is a peer-reflexive local candidate with the same base.
  size_t remote = checklist_.pairs()[checked].remote;
  auto local = checklist_.findLocal(t.socketIndex, *mapped);
  if (!local) {
    const Candidate& base = checklist_.locals()[checklist_.pairs()[checked].local];
    Candidate prflx;
    prflx.type = CandidateType::PeerReflexive;
    prflx.address = *mapped;
    prflx.relatedAddress = base.address;
    prflx.foundation = computeFoundation(CandidateType::PeerReflexive, base.address, "");
    prflx.priority = peerReflexivePriority(t.socketIndex);
    prflx.socketIndex = t.socketIndex;
    prflx.relayIndex = base.relayIndex;
    local = checklist_.addLocal(prflx);
  }
  auto valid = checklist_.ensurePair(*local, remote, PairState::Succeeded);
  checklist_.markSucceeded(checked);
  if (valid && *valid != checked) checklist_.markSucceeded(*valid);
  authenticated_.updateValidPairs(checklist_);
  if (!valid) return;
  bool wasNominating = checklist_.pairs()[checked].nominateOnSuccess;
  if ((role_ == IceRole::Controlling && t.useCandidate) || (role_ == IceRole::Controlled && wasNominating)) {
    nominate(nowUs, *valid);
  } else if (role_ == IceRole::Controlling) {
    considerNomination(nowUs);
  }
  if (routePair_ == *valid) lastConsentUs_ = nowUs;
  updateRoute(nowUs);
  updateState();
}

void IceAgent::sendCheck(int64_t nowUs, size_t pairIndex, TransactionPurpose purpose) {
  const CandidatePair& pair = checklist_.pairs()[pairIndex];
  const Candidate& local = checklist_.local(pair);
  const Candidate& remote = checklist_.remote(pair);
  bool useCandidate = purpose == TransactionPurpose::ConnectivityCheck && role_ == IceRole::Controlling &&
                      pair.nominateOnSuccess;
  uint8_t buffer[kStunBufferSize];
  stun::TransactionId id = newTransactionId();
  stun::StunMessageBuilder b(buffer, sizeof(buffer), static_cast<uint16_t>(stun::Method::Binding),
                             stun::MessageClass::Request, id);
  // RFC 8445 section 7.2.2 and 7.1: USERNAME, PRIORITY, role, USE-CANDIDATE; signed with the peer's password.
  b.addString(stun::attr::Username, *remoteUfrag_ + ":" + localUfrag_);
  b.addU32(stun::attr::Priority, peerReflexivePriority(local.socketIndex));
  b.addU64(role_ == IceRole::Controlling ? stun::attr::IceControlling : stun::attr::IceControlled, tieBreaker_);
  if (useCandidate) b.addFlag(stun::attr::UseCandidate);
  b.addMessageIntegrity(*remotePassword_);
  b.addFingerprint();
  if (!b.ok()) return;
  StunTransaction t;
  t.purpose = purpose;
  t.subject = pairIndex;
  t.socketIndex = local.socketIndex;
  t.destination = remote.address;
  t.useCandidate = useCandidate;
  t.sentControlling = role_ == IceRole::Controlling;
  t.request.assign(b.data(), b.data() + b.size());
  if (purpose == TransactionPurpose::Consent) {
    // RFC 7675: consent requests are not retransmitted; a new one follows each interval.
    t.rtoUs = config_.timings.consentIntervalUs;
    t.retransmitsLeft = 0;
    ++stats_.consentRequestsSent;
  } else {
    t.rtoUs = config_.timings.checkRtoUs;
    t.retransmitsLeft = config_.timings.checkRetransmits;
    ++stats_.checksSent;
  }
  t.maxRtoUs = config_.timings.maxCheckRtoUs;
  t.nextUs = nowUs + t.rtoUs;
  listener_.onIceSend(t.socketIndex, t.destination, t.request.data(), t.request.size());
  transactions_.add(id, std::move(t));
}

void IceAgent::scheduleCheckSoon(int64_t nowUs) {
  if (nextCheckUs_ || !remotePassword_ || !started_) return;
  if (!checklist_.hasPendingChecks()) return;
  nextCheckUs_ = std::max(nowUs, lastCheckUs_ + config_.timings.paceUs);
}

void IceAgent::sendNextCheck(int64_t nowUs) {
  nextCheckUs_.reset();
  if (!remotePassword_ || state_ == IceState::Failed || state_ == IceState::Closed) return;
  auto pair = checklist_.takeNextCheck();
  if (!pair) return;
  sendCheck(nowUs, *pair, TransactionPurpose::ConnectivityCheck);
  lastCheckUs_ = nowUs;
  scheduleCheckSoon(nowUs);
  updateState();
}

// Regular nomination (RFC 8445 section 8.1.1): the controlling agent picks a valid pair once
// no better one can appear, or after a short grace period, and checks it again with USE-CANDIDATE.
void IceAgent::considerNomination(int64_t nowUs) {
  if (role_ != IceRole::Controlling || nominatedPair_) return;
  auto best = checklist_.bestValid();
  if (!best || checklist_.pairs()[*best].nominateOnSuccess) return;
  if (!checklist_.higherPriorityPending(*best)) {
    startNomination(nowUs, *best);
  } else if (!nominationDeadlineUs_) {
    nominationDeadlineUs_ = nowUs + config_.timings.nominationDelayUs;
  }
}

void IceAgent::startNomination(int64_t nowUs, size_t pair) {
  nominationDeadlineUs_.reset();
  checklist_.pairs()[pair].nominateOnSuccess = true;
  checklist_.trigger(pair);
  scheduleCheckSoon(nowUs);
}

void IceAgent::nominate(int64_t nowUs, size_t pair) {
  CandidatePair& p = checklist_.pairs()[pair];
  p.nominated = true;
  p.nominateOnSuccess = false;
  if (!nominatedPair_ || p.priority > checklist_.pairs()[*nominatedPair_].priority) nominatedPair_ = pair;
  nominationDeadlineUs_.reset();
  updateRoute(nowUs);
  updateState();
}

void IceAgent::switchRole(IceRole role) {
  role_ = role;
  checklist_.setControlling(role == IceRole::Controlling);
  nominationDeadlineUs_.reset();
  for (auto& pair : checklist_.pairs()) pair.nominateOnSuccess = false;
}
}  // namespace wg::ice
