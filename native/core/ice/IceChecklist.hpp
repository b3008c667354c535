#pragma once

#include "IceCandidate.hpp"
#include "IceCandidatePair.hpp"

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

namespace wg::ice {

// The candidates of both sides and the pairs formed from them (RFC 8445 section 6.1.2), for
// the single data stream and component of a BUNDLE + rtcp-mux session. Indices into the
// candidate and pair lists stay valid: entries are only ever appended.
class IceChecklist {
public:
  static constexpr size_t kMaxRemoteCandidates = 64;
  static constexpr size_t kMaxPairs = 256;

  explicit IceChecklist(bool controlling) : controlling_(controlling) {}

  size_t addLocal(const Candidate& candidate);
  // Pairs a local candidate that came after remote ones (a relayed candidate) with them.
  void pairWithRemotes(size_t local);
  // Adds a remote candidate and pairs it with every local candidate that can send to it.
  // nullopt if the list is full.
  std::optional<size_t> addRemote(const Candidate& candidate);

  // ICE restart (RFC 8445 section 9): remote candidates and pairs start afresh; the local
  // candidates gathered stay, the peer-reflexive ones (learned from old checks) go.
  void restart();

  const std::vector<Candidate>& locals() const { return locals_; }
  const std::vector<Candidate>& remotes() const { return remotes_; }
  std::vector<CandidatePair>& pairs() { return pairs_; }
  const std::vector<CandidatePair>& pairs() const { return pairs_; }
  const Candidate& local(const CandidatePair& p) const { return locals_[p.local]; }
  const Candidate& remote(const CandidatePair& p) const { return remotes_[p.remote]; }

  // A signalled candidate turned out to be one already learned as peer-reflexive.
  void learnRemoteType(size_t remote, CandidateType type, const std::string& foundation);
  std::optional<size_t> findRemote(const net::SocketAddress& address) const;
  std::optional<size_t> findLocal(int socketIndex, const net::SocketAddress& address) const;
  // The host (or relayed) candidate that owns a socket: what a request received there pairs with.
  std::optional<size_t> baseOf(int socketIndex) const;
  std::optional<size_t> findPair(size_t local, size_t remote) const;
  // Finds or creates the pair; nullopt if the pair list is full.
  std::optional<size_t> ensurePair(size_t local, size_t remote, PairState initial);

  void setControlling(bool controlling);
  bool controlling() const { return controlling_; }

  // RFC 8445 section 7.2.5.3.3: a success unfreezes the pairs that share its foundation.
  void markSucceeded(size_t pair);
  void markFailed(size_t pair) { pairs_[pair].state = PairState::Failed; }

  // RFC 8445 section 7.3.1.4: queue a triggered check; it runs before ordinary checks.
  void trigger(size_t pair);
  // The next pair to check (triggered first, then Waiting, then Frozen by priority) moved to
  // In-Progress; nullopt when nothing is left to check.
  std::optional<size_t> takeNextCheck();
  bool hasPendingChecks() const;

  // The highest-priority valid pair, optionally only the nominated ones.
  std::optional<size_t> bestValid(bool nominatedOnly = false) const;
  // True when every pair has failed (and there is at least one).
  bool allFailed() const;
  // A valid pair exists with priority higher than `pair` is still being worked on.
  bool higherPriorityPending(size_t pair) const;

private:
  bool foundationActive(const CandidatePair& pair) const;
  bool sameFoundation(const CandidatePair& a, const CandidatePair& b) const;
  uint64_t priorityOf(const CandidatePair& pair) const;

  bool controlling_;
  std::vector<Candidate> locals_;
  std::vector<Candidate> remotes_;
  std::vector<CandidatePair> pairs_;
  std::deque<size_t> triggered_;
};

}  // namespace wg::ice
