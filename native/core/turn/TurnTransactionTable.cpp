#include "TurnTransactionTable.hpp"

namespace wg::turn {

std::optional<TurnTransaction> TurnTransactionTable::take(const stun::TransactionId& id) {
  for (auto it = table_.begin(); it != table_.end(); ++it) {
    if (it->id == id) {
      TurnTransaction t = std::move(*it);
      table_.erase(it);
      return t;
    }
  }
  return std::nullopt;
}

bool TurnTransactionTable::pending(TurnRequestKind kind) const {
  for (const auto& t : table_) {
    if (t.kind == kind) return true;
  }
  return false;
}

std::optional<int64_t> TurnTransactionTable::nextDeadline() const {
  std::optional<int64_t> earliest;
  for (const auto& t : table_) {
    if (!earliest || t.nextUs < *earliest) earliest = t.nextUs;
  }
  return earliest;
}

}  // namespace wg::turn
