#include "TimerQueue.hpp"

namespace wg::io {

TimerQueue::TimerId TimerQueue::schedule(int64_t deadlineUs, std::function<void()> callback) {
  TimerId id = nextId_++;
  auto it = entries_.emplace(deadlineUs, std::make_pair(id, std::move(callback)));
  byId_.emplace(id, it);
  return id;
}

void TimerQueue::cancel(TimerId id) {
  auto found = byId_.find(id);
  if (found == byId_.end()) return;
  entries_.erase(found->second);
  byId_.erase(found);
}

void TimerQueue::runDue(int64_t nowUs) {
  while (!entries_.empty() && entries_.begin()->first <= nowUs) {
    auto it = entries_.begin();
    auto callback = std::move(it->second.second);
    byId_.erase(it->second.first);
    entries_.erase(it);
    callback();
  }
}

std::optional<int64_t> TimerQueue::earliest() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.begin()->first;
}

}  // namespace wg::io
