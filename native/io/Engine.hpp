#pragma once

#include "EngineEvent.hpp"
#include "EventLoop.hpp"
#include "PortCounters.hpp"
#include "RecvBatch.hpp"
#include "RelaxedCounter.hpp"
#include "UdpPort.hpp"

#include <sys/types.h>

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace wg::io {

struct EngineOptions {
  size_t recvBatchCount = 32;   // datagrams per recvmmsg(2)
  size_t recvSlotBytes = 4096;  // larger datagrams are dropped as "oversize"
};

struct EngineCounters {
  RelaxedCounter eventsDelivered;
  RelaxedCounter eventsDropped;  // the thread-safe function's queue was full
};

// The native I/O thread: one EventLoop that owns every port's socket and a timer.
// Control methods may be called from any thread; the sockets are only touched by the loop.
class Engine : private UdpPort::Listener {
public:
  Engine(const EngineOptions& options, EngineEventSink& sink);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Joins the thread; every port is closed before it returns. Idempotent.
  void stop();
  bool running() const;
  pid_t threadId() const { return threadId_; }

  // Hands a bound socket to the loop. Its datagrams are counted in `counters`.
  void addPort(uint32_t handle, UdpSocket socket, std::shared_ptr<PortCounters> counters);
  // Closes the port's socket before returning. Returns false if the handle is unknown.
  bool closePort(uint32_t handle);

  const EngineCounters& counters() const { return counters_; }
  uint64_t loopWakeups() const { return loop_.wakeups(); }
  uint64_t loopWaitErrors() const { return loop_.waitErrors(); }

private:
  void threadMain(std::promise<pid_t>& started);
  // Runs `command` on the loop thread and waits for it (inline once the thread has stopped).
  void call(const std::function<void()>& command);
  void flushEvents();
  void reportDrops();

  void onPortSource(UdpPort& port, const net::SocketAddress& source) override;
  void onPortDrop(UdpPort& port) override;

  EngineEventSink& sink_;
  EventLoop loop_;
  RecvBatch recvBatch_;
  std::unordered_map<uint32_t, std::unique_ptr<UdpPort>> ports_;
  EngineEventBatch outbox_;
  EngineCounters counters_;
  bool dropReportScheduled_ = false;

  mutable std::mutex lifecycleMutex_;
  bool running_ = false;
  pid_t threadId_ = 0;
  std::thread thread_;
};

}  // namespace wg::io
