#include "StunTransactionTable.hpp"

namespace wg::ice {

StunTransaction* StunTransactionTable::find(const stun::TransactionId& id) {
  auto it = table_.find(id);
  return it == table_.end() ? nullptr : &it->second;
}

std::optional<StunTransaction> StunTransactionTable::take(const stun::TransactionId& id) {
  auto it = table_.find(id);
  if (it == table_.end()) return std::nullopt;
  StunTransaction t = std::move(it->second);
  table_.erase(it);
  return t;
}

void StunTransactionTable::eraseFor(TransactionPurpose purpose, size_t subject) {
  for (auto it = table_.begin(); it != table_.end();) {
    if (it->second.purpose == purpose && it->second.subject == subject) it = table_.erase(it);
    else ++it;
  }
}

void StunTransactionTable::eraseAllBut(TransactionPurpose keep) {
  for (auto it = table_.begin(); it != table_.end();) {
    if (it->second.purpose != keep) it = table_.erase(it);
    else ++it;
  }
}

std::optional<int64_t> StunTransactionTable::nextDeadline() const {
  std::optional<int64_t> earliest;
  for (const auto& [id, t] : table_) {
    if (!earliest || t.nextUs < *earliest) earliest = t.nextUs;
  }
  return earliest;
}

}  // namespace wg::ice
