#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

namespace wg::io {

// Deadlines (monotonic microseconds) with callbacks, earliest first. Loop thread only.
class TimerQueue {
public:
  using TimerId = uint64_t;

  TimerId schedule(int64_t deadlineUs, std::function<void()> callback);
  void cancel(TimerId id);
  // Runs every callback whose deadline is at or before `nowUs`, including ones they schedule.
  void runDue(int64_t nowUs);
  std::optional<int64_t> earliest() const;
  size_t size() const { return byId_.size(); }

private:
  using Entries = std::multimap<int64_t, std::pair<TimerId, std::function<void()>>>;
  Entries entries_;
  std::unordered_map<TimerId, Entries::iterator> byId_;
  TimerId nextId_ = 1;
};

}  // namespace wg::io
