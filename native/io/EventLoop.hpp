#pragma once

#include "FileDescriptor.hpp"
#include "IoHandler.hpp"
#include "TimerQueue.hpp"

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>

namespace wg::io {

// epoll(7) loop with a wake-up eventfd, one timerfd for all deadlines and a command queue.
// Everything except post() and stop() must be called on the loop thread.
// Commands and timers run after the readable handlers of an iteration, never between them,
// so a handler removed by a command is never called from a stale epoll event. A handler must
// not be destroyed from inside a handler call of the same iteration (post the destruction).
class EventLoop {
public:
  EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  bool add(int fd, IoHandler* handler);
  // Also reports writability (EPOLLOUT, level-triggered: ask only while there is something to write).
  bool add(int fd, IoHandler* handler, bool writable);
  bool setWritable(int fd, IoHandler* handler, bool writable);
  void remove(int fd);
  TimerQueue& timers() { return timers_; }
  int64_t now() const { return now_; }

  // Thread-safe: queue a command for the loop thread and wake it.
  void post(std::function<void()> command);
  // Thread-safe: make run() return after the current iteration.
  void stop();
  // Runs until stop(); `afterIteration` runs once per wake-up (events are flushed there).
  void run(const std::function<void()>& afterIteration);

  uint64_t wakeups() const { return wakeups_.load(std::memory_order_relaxed); }
  uint64_t waitErrors() const { return waitErrors_.load(std::memory_order_relaxed); }

private:
  class Signal : public IoHandler {
  public:
    explicit Signal(int fd) : fd_(fd) {}
    void onReadable() override;
    int fd() const { return fd_.get(); }
    bool fired = false;

  private:
    FileDescriptor fd_;
  };

  void wake();
  void drainCommands();
  void armTimer();

  FileDescriptor epoll_;
  Signal wake_;
  Signal timer_;
  TimerQueue timers_;
  int64_t now_ = 0;
  int64_t armedDeadline_ = -1;

  std::mutex commandsMutex_;
  std::deque<std::function<void()>> commands_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> wakeups_{0};
  std::atomic<uint64_t> waitErrors_{0};
};

}  // namespace wg::io
