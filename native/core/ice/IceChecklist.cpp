#include "IceChecklist.hpp"

#include <algorithm>

namespace wg::ice {

const char* pairStateName(PairState state) {
  switch (state) {
    case PairState::Frozen: return "frozen";
    case PairState::Waiting: return "waiting";
    case PairState::InProgress: return "in-progress";
    case PairState::Succeeded: return "succeeded";
    case PairState::Failed: return "failed";
  }
  return "frozen";
}

size_t IceChecklist::addLocal(const Candidate& candidate) {
  locals_.push_back(candidate);
  return locals_.size() - 1;
}

void IceChecklist::restart() {
  locals_.erase(std::remove_if(locals_.begin(), locals_.end(),
                               [](const Candidate& c) { return c.type == CandidateType::PeerReflexive; }),
                locals_.end());
  remotes_.clear();
  pairs_.clear();
  triggered_.clear();
}

void IceChecklist::pairWithRemotes(size_t local) {
  for (size_t remote = 0; remote < remotes_.size(); ++remote) {
    if (remotes_[remote].address.family() == locals_[local].address.family()) ensurePair(local, remote, PairState::Frozen);
  }
}

std::optional<size_t> IceChecklist::addRemote(const Candidate& candidate) {
  if (remotes_.size() >= kMaxRemoteCandidates) return std::nullopt;
  remotes_.push_back(candidate);
  size_t remote = remotes_.size() - 1;
  for (size_t local = 0; local < locals_.size(); ++local) {
    const Candidate& l = locals_[local];
    // Reflexive local candidates send from their base, so only bases are paired (RFC 8445 6.1.2.4).
    bool sendsItself = l.type == CandidateType::Host || l.type == CandidateType::Relay;
    if (sendsItself && l.address.family() == candidate.address.family()) ensurePair(local, remote, PairState::Frozen);
  }
  return remote;
}

void IceChecklist::learnRemoteType(size_t remote, CandidateType type, const std::string& foundation) {
  Candidate& known = remotes_[remote];
  if (known.type != CandidateType::PeerReflexive) return;
  known.type = type;
  known.foundation = foundation;
}

std::optional<size_t> IceChecklist::findRemote(const net::SocketAddress& address) const {
  for (size_t i = 0; i < remotes_.size(); ++i) {
    if (remotes_[i].address == address) return i;
  }
  return std::nullopt;
}

std::optional<size_t> IceChecklist::findLocal(int socketIndex, const net::SocketAddress& address) const {
  for (size_t i = 0; i < locals_.size(); ++i) {
    if (locals_[i].socketIndex == socketIndex && locals_[i].address == address) return i;
  }
  return std::nullopt;
}

std::optional<size_t> IceChecklist::baseOf(int socketIndex) const {
  for (size_t i = 0; i < locals_.size(); ++i) {
    const Candidate& c = locals_[i];
    if (c.socketIndex == socketIndex && (c.type == CandidateType::Host || c.type == CandidateType::Relay)) return i;
  }
  return std::nullopt;
}

std::optional<size_t> IceChecklist::findPair(size_t local, size_t remote) const {
  for (size_t i = 0; i < pairs_.size(); ++i) {
    if (pairs_[i].local == local && pairs_[i].remote == remote) return i;
  }
  return std::nullopt;
}

uint64_t IceChecklist::priorityOf(const CandidatePair& pair) const {
  uint32_t l = locals_[pair.local].priority;
  uint32_t r = remotes_[pair.remote].priority;
  return controlling_ ? pairPriority(l, r) : pairPriority(r, l);
}

std::optional<size_t> IceChecklist::ensurePair(size_t local, size_t remote, PairState initial) {
  if (auto existing = findPair(local, remote)) return existing;
  if (pairs_.size() >= kMaxPairs) return std::nullopt;
  CandidatePair pair;
  pair.local = local;
  pair.remote = remote;
  pair.priority = priorityOf(pair);
  // RFC 8838 section 12: a new pair waits unless its foundation is already being checked.
  pair.state = initial == PairState::Frozen && !foundationActive(pair) ? PairState::Waiting : initial;
  pairs_.push_back(pair);
  return pairs_.size() - 1;
}

void IceChecklist::setControlling(bool controlling) {
  controlling_ = controlling;
  for (auto& pair : pairs_) pair.priority = priorityOf(pair);
}

bool IceChecklist::sameFoundation(const CandidatePair& a, const CandidatePair& b) const {
  return locals_[a.local].foundation == locals_[b.local].foundation &&
         remotes_[a.remote].foundation == remotes_[b.remote].foundation;
}

bool IceChecklist::foundationActive(const CandidatePair& pair) const {
  for (const auto& other : pairs_) {
    if ((other.state == PairState::Waiting || other.state == PairState::InProgress) && sameFoundation(pair, other))
      return true;
  }
  return false;
}

void IceChecklist::markSucceeded(size_t index) {
  CandidatePair& pair = pairs_[index];
  pair.state = PairState::Succeeded;
  pair.valid = true;
  for (auto& other : pairs_) {
    if (other.state == PairState::Frozen && sameFoundation(pair, other)) other.state = PairState::Waiting;
  }
}

void IceChecklist::trigger(size_t pair) {
  if (std::find(triggered_.begin(), triggered_.end(), pair) == triggered_.end()) triggered_.push_back(pair);
  if (pairs_[pair].state != PairState::InProgress) pairs_[pair].state = PairState::Waiting;
}

std::optional<size_t> IceChecklist::takeNextCheck() {
  while (!triggered_.empty()) {
    size_t pair = triggered_.front();
    triggered_.pop_front();
    if (pairs_[pair].state == PairState::Waiting || pairs_[pair].state == PairState::InProgress ||
        pairs_[pair].nominateOnSuccess) {
      pairs_[pair].state = PairState::InProgress;
      return pair;
    }
  }
  for (PairState wanted : {PairState::Waiting, PairState::Frozen}) {
    std::optional<size_t> best;
    for (size_t i = 0; i < pairs_.size(); ++i) {
      if (pairs_[i].state != wanted) continue;
      if (wanted == PairState::Frozen && foundationActive(pairs_[i])) continue;
      if (!best || pairs_[i].priority > pairs_[*best].priority) best = i;
    }
    if (best) {
      pairs_[*best].state = PairState::InProgress;
      return best;
    }
  }
  return std::nullopt;
}

bool IceChecklist::hasPendingChecks() const {
  if (!triggered_.empty()) return true;
  return std::any_of(pairs_.begin(), pairs_.end(),
                     [](const CandidatePair& p) { return p.state == PairState::Waiting || p.state == PairState::Frozen; });
}

std::optional<size_t> IceChecklist::bestValid(bool nominatedOnly) const {
  std::optional<size_t> best;
  for (size_t i = 0; i < pairs_.size(); ++i) {
    const CandidatePair& p = pairs_[i];
    if (!p.valid || p.state == PairState::Failed || (nominatedOnly && !p.nominated)) continue;
    if (!best || p.priority > pairs_[*best].priority) best = i;
  }
  return best;
}

bool IceChecklist::allFailed() const {
  return !pairs_.empty() &&
         std::all_of(pairs_.begin(), pairs_.end(), [](const CandidatePair& p) { return p.state == PairState::Failed; });
}

bool IceChecklist::higherPriorityPending(size_t index) const {
  uint64_t priority = pairs_[index].priority;
  return std::any_of(pairs_.begin(), pairs_.end(), [priority](const CandidatePair& p) {
    return p.priority > priority &&
           (p.state == PairState::Frozen || p.state == PairState::Waiting || p.state == PairState::InProgress);
  });
}

}  // namespace wg::ice
