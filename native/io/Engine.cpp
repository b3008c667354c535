#include "Engine.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <future>

namespace wg::io {

namespace {
// Drops are reported at most this often, so a flood of bad datagrams cannot flood the logs.
constexpr int64_t kDropReportIntervalUs = 1000000;
}  // namespace

Engine::Engine(const EngineOptions& options, EngineEventSink& sink)
    : sink_(sink), recvBatch_(options.recvBatchCount, options.recvSlotBytes) {
  std::promise<pid_t> started;
  auto tid = started.get_future();
  running_ = true;
  thread_ = std::thread([this, &started] { threadMain(started); });
  threadId_ = tid.get();
}

Engine::~Engine() { stop(); }

void Engine::threadMain(std::promise<pid_t>& started) {
  started.set_value(static_cast<pid_t>(::syscall(SYS_gettid)));
  loop_.run([this] { flushEvents(); });
  // Ports are closed on the loop thread, which is the only one that ever touched them.
  ports_.clear();
  outbox_.clear();
}

void Engine::stop() {
  std::lock_guard<std::mutex> lock(lifecycleMutex_);
  if (!running_) return;
  running_ = false;
  loop_.stop();
  thread_.join();
}

bool Engine::running() const {
  std::lock_guard<std::mutex> lock(lifecycleMutex_);
  return running_;
}

void Engine::call(const std::function<void()>& command) {
  std::promise<void> done;
  auto finished = done.get_future();
  {
    std::lock_guard<std::mutex> lock(lifecycleMutex_);
    if (!running_) {
      command();
      return;
    }
    loop_.post([&command, &done] {
      command();
      done.set_value();
    });
  }
  finished.wait();
}

void Engine::addPort(uint32_t handle, UdpSocket socket, std::shared_ptr<PortCounters> counters) {
  // shared_ptr because std::function needs a copyable capture; the socket moves in once.
  auto owned = std::make_shared<UdpSocket>(std::move(socket));
  call([this, handle, owned, counters] {
    ports_[handle] = std::make_unique<UdpPort>(handle, std::move(*owned), counters, recvBatch_, loop_,
                                             static_cast<UdpPort::Listener&>(*this));
  });
}

bool Engine::closePort(uint32_t handle) {
  bool found = false;
  call([this, handle, &found] { found = ports_.erase(handle) > 0; });
  return found;
}

void Engine::flushEvents() {
  if (outbox_.empty()) return;
  size_t count = outbox_.size();
  if (sink_.deliver(std::move(outbox_))) {
    counters_.eventsDelivered.add(count);
  } else {
    counters_.eventsDropped.add(count);
  }
  outbox_ = EngineEventBatch();
}

void Engine::onPortSource(UdpPort& port, const net::SocketAddress& source) {
  outbox_.push_back({EngineEventKind::PortSource, port.handle(), 0, source.toString()});
}

void Engine::onPortDrop(UdpPort&) {
  if (dropReportScheduled_) return;
  dropReportScheduled_ = true;
  loop_.timers().schedule(loop_.now() + kDropReportIntervalUs, [this] { reportDrops(); });
}

void Engine::reportDrops() {
  dropReportScheduled_ = false;
  for (auto& [handle, port] : ports_) {
    PortCounters& c = port->counters();
    uint64_t oversize = c.droppedOversize.get();
    if (oversize != port->reportedOversize) {
      outbox_.push_back({EngineEventKind::PortDrops, handle, static_cast<int64_t>(oversize - port->reportedOversize),
                         "oversize"});
      port->reportedOversize = oversize;
    }
    uint64_t errors = c.socketErrors.get();
    if (errors != port->reportedSocketErrors) {
      outbox_.push_back({EngineEventKind::PortDrops, handle, static_cast<int64_t>(errors - port->reportedSocketErrors),
                         "socket-error"});
      port->reportedSocketErrors = errors;
    }
  }
}

}  // namespace wg::io
