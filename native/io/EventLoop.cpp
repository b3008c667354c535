#include "EventLoop.hpp"

#include "Clock.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace wg::io {

namespace {
constexpr int kMaxEvents = 64;

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string(what) + " failed: errno " + std::to_string(errno));
}
}  // namespace

void EventLoop::Signal::onReadable() {
  uint64_t count;
  // Both eventfd and timerfd hand out an 8-byte counter; reading it re-arms level triggering.
  [[maybe_unused]] ssize_t r = ::read(fd_.get(), &count, sizeof(count));
  fired = true;
}

EventLoop::EventLoop()
    : epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      timer_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {
  if (!epoll_.valid()) fail("epoll_create1");
  if (wake_.fd() < 0) fail("eventfd");
  if (timer_.fd() < 0) fail("timerfd_create");
  if (!add(wake_.fd(), &wake_) || !add(timer_.fd(), &timer_)) fail("epoll_ctl");
  now_ = monotonicMicros();
}

bool EventLoop::add(int fd, IoHandler* handler) { return add(fd, handler, false); }

bool EventLoop::add(int fd, IoHandler* handler, bool writable) {
  epoll_event ev{};
  ev.events = EPOLLIN | (writable ? EPOLLOUT : 0u);
  ev.data.ptr = handler;
  return ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool EventLoop::setWritable(int fd, IoHandler* handler, bool writable) {
  epoll_event ev{};
  ev.events = EPOLLIN | (writable ? EPOLLOUT : 0u);
  ev.data.ptr = handler;
  return ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::remove(int fd) { ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::post(std::function<void()> command) {
  {
    std::lock_guard<std::mutex> lock(commandsMutex_);
    commands_.push_back(std::move(command));
  }
  wake();
}

void EventLoop::stop() {
  stopping_.store(true, std::memory_order_release);
  wake();
}

void EventLoop::wake() {
  uint64_t one = 1;
  // A saturated eventfd counter already means "wake up"; nothing is lost if this write fails.
  [[maybe_unused]] ssize_t n = ::write(wake_.fd(), &one, sizeof(one));
}

void EventLoop::drainCommands() {
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(commandsMutex_);
    batch.swap(commands_);
  }
  for (auto& command : batch) command();
}

void EventLoop::armTimer() {
  auto earliest = timers_.earliest();
  int64_t deadline = earliest ? *earliest : -1;
  if (deadline == armedDeadline_) return;
  armedDeadline_ = deadline;
  itimerspec spec{};
  if (deadline >= 0) {
    // An all-zero it_value would disarm the timer; a deadline at time zero is simply "now".
    spec.it_value.tv_sec = deadline / 1000000;
    spec.it_value.tv_nsec = (deadline % 1000000) * 1000;
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  }
  ::timerfd_settime(timer_.fd(), TFD_TIMER_ABSTIME, &spec, nullptr);
}

void EventLoop::run(const std::function<void()>& afterIteration) {
  epoll_event events[kMaxEvents];
  while (!stopping_.load(std::memory_order_acquire)) {
    armTimer();
    int n = ::epoll_wait(epoll_.get(), events, kMaxEvents, -1);
    if (n < 0) {
      // Only EINTR is expected. Leaving the loop would strand callers waiting on commands,
      // so any other failure is counted and retried after a pause instead.
      if (errno != EINTR) {
        waitErrors_.fetch_add(1, std::memory_order_relaxed);
        ::usleep(1000);
      }
      continue;
    }
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    now_ = monotonicMicros();
    for (int i = 0; i < n; ++i) {
      auto* handler = static_cast<IoHandler*>(events[i].data.ptr);
      uint32_t what = events[i].events;
      if (what & EPOLLOUT) handler->onWritable();
      if (what & ~static_cast<uint32_t>(EPOLLOUT)) handler->onReadable();
    }
    if (timer_.fired) {
      timer_.fired = false;
      armedDeadline_ = -1;
    }
    if (wake_.fired) {
      wake_.fired = false;
      drainCommands();
    }
    now_ = monotonicMicros();
    timers_.runDue(now_);
    afterIteration();
  }
  // Commands posted around stop() still run, so no caller waits forever on their result.
  drainCommands();
}

}  // namespace wg::io
