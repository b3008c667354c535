#pragma once

#include "../net/SocketAddress.hpp"
#include "../stun/StunConstants.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace wg::ice {

// What an outstanding request was for.
enum class TransactionPurpose : uint8_t {
  ConnectivityCheck,  // RFC 8445 section 7.2.4
  Consent,            // RFC 7675
  Gathering,          // a Binding request to a STUN server for a server-reflexive candidate
  PreviousConsent,    // RFC 7675 on the pair selected before an ICE restart, with its old credentials
};

struct StunTransaction {
  TransactionPurpose purpose = TransactionPurpose::ConnectivityCheck;
  size_t subject = 0;  // the pair (checks, consent) or the gathering job
  int socketIndex = -1;
  net::SocketAddress destination;
  bool useCandidate = false;
  bool sentControlling = false;  // the role the request claimed (a 487 answer flips from it)
  std::vector<uint8_t> request;  // resent unchanged, same transaction id (RFC 8489 section 6.2.1)
  int64_t rtoUs = 0;
  int64_t maxRtoUs = 0;
  int retransmitsLeft = 0;
  int64_t nextUs = 0;  // next retransmission, or the give-up time once none are left
};

// Outstanding STUN client transactions, keyed by transaction id.
class StunTransactionTable {
public:
  void add(const stun::TransactionId& id, StunTransaction transaction) { table_[id] = std::move(transaction); }
  StunTransaction* find(const stun::TransactionId& id);
  // Removes and returns the transaction a response answers.
  std::optional<StunTransaction> take(const stun::TransactionId& id);
  void eraseFor(TransactionPurpose purpose, size_t subject);
  // Forgets every transaction but those for `keep` (an ICE restart drops checks and consent).
  void eraseAllBut(TransactionPurpose keep);

  // The earliest retransmission or expiry.
  std::optional<int64_t> nextDeadline() const;
  // Retransmissions due at `nowUs` go to `resend`; transactions out of retransmissions whose
  // last wait is over go to `expired` and are removed.
  template <typename Resend, typename Expired>
  void runDue(int64_t nowUs, Resend resend, Expired expired);

  size_t size() const { return table_.size(); }

private:
  std::map<stun::TransactionId, StunTransaction> table_;
};

template <typename Resend, typename Expired>
void StunTransactionTable::runDue(int64_t nowUs, Resend resend, Expired expired) {
  std::vector<StunTransaction> gone;
  for (auto it = table_.begin(); it != table_.end();) {
    StunTransaction& t = it->second;
    if (t.nextUs > nowUs) {
      ++it;
      continue;
    }
    if (t.retransmitsLeft > 0) {
      --t.retransmitsLeft;
      t.rtoUs = t.rtoUs * 2 > t.maxRtoUs ? t.maxRtoUs : t.rtoUs * 2;
      t.nextUs = nowUs + t.rtoUs;
      resend(t);
      ++it;
    } else {
      gone.push_back(std::move(t));
      it = table_.erase(it);
    }
  }
  for (auto& t : gone) expired(t);
}

}  // namespace wg::ice
