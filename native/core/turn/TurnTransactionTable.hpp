#pragma once

#include "../stun/StunConstants.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace wg::turn {

// What a TURN request was for.
enum class TurnRequestKind : uint8_t { Allocate, Refresh, CreatePermission, ChannelBind, Deallocate };

struct TurnTransaction {
  stun::TransactionId id{};
  TurnRequestKind kind = TurnRequestKind::Allocate;
  size_t subject = 0;          // the permission or channel index
  bool authenticated = false;  // sent with credentials (a 401 to it is final)
  int staleRetries = 0;        // 438 answers already followed for this request
  std::vector<uint8_t> request;  // resent unchanged over UDP (RFC 8489 section 6.2.1)
  int64_t rtoUs = 0;
  int transmissionsLeft = 0;
  int64_t nextUs = 0;          // next retransmission, or the give-up time once none are left
};

// The client's outstanding requests, bounded: a handful of peers refresh at a time.
class TurnTransactionTable {
public:
  static constexpr size_t kMaxTransactions = 32;

  bool full() const { return table_.size() >= kMaxTransactions; }
  void add(TurnTransaction t) { table_.push_back(std::move(t)); }
  // Removes and returns the transaction a response answers.
  std::optional<TurnTransaction> take(const stun::TransactionId& id);
  bool pending(TurnRequestKind kind) const;
  std::optional<int64_t> nextDeadline() const;
  // Transactions due at `nowUs`: those with transmissions left are rescheduled and handed to
  // `resend(const TurnTransaction&)`; the others are removed and appended to `expired`.
  template <typename Resend>
  void runDue(int64_t nowUs, int lastWaitRtos, int64_t initialRtoUs, Resend resend,
              std::vector<TurnTransaction>& expired);
  void clear() { table_.clear(); }
  size_t size() const { return table_.size(); }

private:
  std::vector<TurnTransaction> table_;
};

template <typename Resend>
void TurnTransactionTable::runDue(int64_t nowUs, int lastWaitRtos, int64_t initialRtoUs, Resend resend,
                                  std::vector<TurnTransaction>& expired) {
  for (auto it = table_.begin(); it != table_.end();) {
    if (it->nextUs > nowUs) {
      ++it;
    } else if (it->transmissionsLeft > 0) {
      // RFC 8489 section 6.2.1: the RTO doubles after each transmission; after the last one
      // the client waits Rm times the initial RTO.
      --it->transmissionsLeft;
      it->rtoUs *= 2;
      it->nextUs = nowUs + (it->transmissionsLeft > 0 ? it->rtoUs : initialRtoUs * lastWaitRtos);
      resend(*it);
      ++it;
    } else {
      expired.push_back(std::move(*it));
      it = table_.erase(it);
    }
  }
}

}  // namespace wg::turn
