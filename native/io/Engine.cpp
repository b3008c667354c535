#include "Engine.hpp"

#include "../core/sctp/UsrsctpLibrary.hpp"
#include "../core/srtp/SrtpProfile.hpp"
#include "Clock.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <future>

namespace wg::io {

namespace {
// Drops are reported at most this often, so a flood of bad datagrams cannot flood the logs.
constexpr int64_t kDropReportIntervalUs = 1000000;
// usrsctp has no "next timer" query: its timers advance at this granularity.
// usrsctp's timers advance only when ticked, and each tick walks its whole list of pending
// timers (a few per association; at 5,000 associations that walk is most of an idle engine's
// CPU). Every 20 ms while SCTP packets other than heartbeats flow (its timers are 200 ms for a
// delayed SACK and at least 1 s for a retransmission), every 50 ms while all is idle (only
// 30-second heartbeats run; the first timer after a quiet spell fires up to 50 ms late).
constexpr int64_t kSctpTickUs = 20'000;
constexpr int64_t kSctpIdleTickUs = 50'000;
// The large receive batch of data ports: few slots of a whole UDP datagram each.
constexpr size_t kLargeBatchCount = 4;
constexpr size_t kLargeSlotBytes = 65536;
// data-message events (the slow path) queued per loop iteration; more are dropped and counted.
constexpr size_t kMaxDataMessagesPerBatch = 256;

int unboundUdpSocket(int family) {
  int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    int size = 4 * 1024 * 1024;
    if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0)
      ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    // Whether a broadcast address is an allowed target is the redirect policy's call, made in
    // the control path; without this the kernel would refuse it (EACCES) whatever the policy says.
    // IPv6 has no broadcast: there the option changes nothing.
    int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
  }
  return fd;
}
}  // namespace

Engine::Engine(const EngineOptions& options, EngineEventSink& sink)
    : sink_(sink),
      recvBatch_(options.recvBatchCount, options.recvSlotBytes),
      outbox_(kOutboxSlots, options.recvSlotBytes + srtp::kProtectHeadroom),
      redirect4_(unboundUdpSocket(AF_INET)),
      redirect6_(unboundUdpSocket(AF_INET6)),
      scratch_(options.recvSlotBytes + srtp::kProtectHeadroom),
      context_{loop_, recvBatch_, outbox_, redirect4_.get(), redirect6_.get(), scratch_.data(), scratch_.size(), retiredStreams_},
      dtls_(dtls::DtlsContext::create(dtls::DtlsCertificate::generate())),
      retiredStreams_(loop_) {
  if (!dtls_) throw std::runtime_error("cannot create the DTLS certificate");
  if (!redirect4_.valid()) throw std::runtime_error("cannot create the redirect socket");
  std::promise<pid_t> started;
  auto tid = started.get_future();
  running_ = true;
  thread_ = std::thread([this, &started] { threadMain(started); });
  threadId_ = tid.get();
}

Engine::~Engine() { stop(); }

void Engine::threadMain(std::promise<pid_t>& started) {
  started.set_value(static_cast<pid_t>(::syscall(SYS_gettid)));
  loop_.run([this] {
    outbox_.flush();
    flushEvents();
  });
  // Transports say goodbye (close_notify) before their sockets close; all on the loop thread,
  // the only one that ever touched them. The flush also settles the redirect tallies the
  // queued datagrams point into, before their hosts go.
  for (auto& [handle, host] : transports_) {
    host->closeData();
    host->core().close();
  }
  outbox_.flush();
  dataHosts_.clear();
  transports_.clear();
  // What was left of their TURN streams goes now: the loop that would finish them has stopped.
  retiredStreams_.clear();
  {
    std::lock_guard<std::mutex> lock(sharedMutex_);
    sharedSockets_.clear();
  }
  ports_.clear();
  events_.clear();
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

void Engine::addPort(uint32_t handle, UdpSocket socket, std::shared_ptr<PortCounters> counters, size_t maxDatagramBytes) {
  // shared_ptr because std::function needs a copyable capture; the socket moves in once.
  auto owned = std::make_shared<UdpSocket>(std::move(socket));
  call([this, handle, owned, counters, maxDatagramBytes] {
    RecvBatch* batch = &recvBatch_;
    // A data port also sends its connections' redirected datagrams, to a broadcast address when
    // the redirect policy allows one (the policy decides; without this the kernel refuses, EACCES).
    int on = 1;
    ::setsockopt(owned->fd(), SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
    if (maxDatagramBytes > recvBatch_.slotBytes()) {
      if (!largeBatch_) largeBatch_ = std::make_unique<RecvBatch>(kLargeBatchCount, kLargeSlotBytes);
      batch = largeBatch_.get();
    }
    ports_[handle] = std::make_unique<UdpPort>(handle, std::move(*owned), counters, *batch, loop_,
                                             static_cast<UdpPort::Listener&>(*this));
  });
}

bool Engine::closePort(uint32_t handle) {
  bool found = false;
  call([this, handle, &found] {
    auto port = ports_.find(handle);
    if (port == ports_.end()) return;
    for (auto& [h, host] : transports_) host->detachPort(*port->second);
    ports_.erase(port);
    found = true;
  });
  return found;
}

std::unique_ptr<TransportHost> Engine::makeTransport(uint32_t handle, transport::TransportConfig config,
                                                     std::vector<TransportHost::HostSocket> sockets,
                                                     std::vector<TransportHost::TurnSocket> turnSockets,
                                                     TransportHost::TlsContexts tlsContexts) {
  return std::make_unique<TransportHost>(handle, std::move(config), std::move(sockets), std::move(turnSockets),
                                         std::move(tlsContexts), dtls_, random_, context_,
                                         static_cast<TransportHost::Listener&>(*this));
}

size_t Engine::retiredStreams() {
  size_t count = 0;
  call([this, &count] { count = retiredStreams_.size(); });
  return count;
}

void Engine::addSharedSocket(UdpSocket socket) {
  auto shared = std::make_unique<SharedTransportSocket>(std::move(socket), context_);
  SharedTransportSocket* raw = shared.get();
  call([raw] { raw->activate(); });
  std::lock_guard<std::mutex> lock(sharedMutex_);
  sharedSockets_.push_back(std::move(shared));
}

SharedTransportSocket* Engine::sharedSocketFor(const net::SocketAddress& local) const {
  std::lock_guard<std::mutex> lock(sharedMutex_);
  for (const auto& s : sharedSockets_) {
    if (s->localAddress().sameIp(local)) return s.get();
  }
  return nullptr;
}

std::vector<std::pair<net::SocketAddress, SharedTransportSocket::Stats>> Engine::sharedSocketStats() {
  std::vector<std::pair<net::SocketAddress, SharedTransportSocket::Stats>> out;
  call([this, &out] {
    std::lock_guard<std::mutex> lock(sharedMutex_);
    for (const auto& s : sharedSockets_) out.emplace_back(s->localAddress(), s->stats());
  });
  return out;
}

void Engine::addTransport(std::unique_ptr<TransportHost> host) {
  auto owned = std::make_shared<std::unique_ptr<TransportHost>>(std::move(host));
  call([this, owned] {
    TransportHost* host = owned->get();
    // A handle is never reused; were it, the transport it named must go the orderly way.
    if (auto old = transports_.find(host->handle()); old != transports_.end()) eraseTransport(old);
    transports_.emplace(host->handle(), std::move(*owned));
    host->activate(monotonicMicros());
    if (host->dataChannels()) {
      dataHosts_.push_back(host);
      scheduleSctpTick();
    }
  });
}

bool Engine::withTransport(uint32_t handle, const std::function<void(TransportHost&)>& command) {
  bool found = false;
  call([this, handle, &command, &found] {
    auto it = transports_.find(handle);
    if (it == transports_.end()) return;
    found = true;
    command(*it->second);
    it->second->reschedule();
  });
  return found;
}

bool Engine::closeTransport(uint32_t handle) {
  bool found = false;
  call([this, handle, &found] {
    auto it = transports_.find(handle);
    if (it == transports_.end()) return;
    found = true;
    eraseTransport(it);
  });
  return found;
}

void Engine::eraseTransport(TransportTable::iterator it) {
  TransportHost* host = it->second.get();
  if (host->dataChannels()) {
    host->closeData();
    auto found = std::find(dataHosts_.begin(), dataHosts_.end(), host);
    if (found != dataHosts_.end()) {
      *found = dataHosts_.back();
      dataHosts_.pop_back();
    }
  }
  it->second->core().close();
  // close_notify leaves before the sockets close, and no queued datagram outlives the redirect
  // tally it counts into.
  outbox_.flush();
  transports_.erase(it);
}

bool Engine::attachPort(uint32_t portHandle, uint32_t transportHandle, TransportHost::PacketKind kind,
                        TransportHost::MediaKind media) {
  bool found = false;
  call([&] {
    auto port = ports_.find(portHandle);
    auto host = transports_.find(transportHandle);
    if (port == ports_.end() || host == transports_.end()) return;
    host->second->attachPort(*port->second, kind, media);
    found = true;
  });
  return found;
}

bool Engine::attachDataPort(uint32_t portHandle, uint32_t transportHandle) {
  bool found = false;
  call([&] {
    auto port = ports_.find(portHandle);
    auto host = transports_.find(transportHandle);
    if (port == ports_.end() || host == transports_.end() || !host->second->dataChannels()) return;
    host->second->attachDataPort(*port->second);
    found = true;
  });
  return found;
}

void Engine::scheduleSctpTick() {
  if (sctpTickScheduled_ || dataHosts_.empty()) return;
  sctpTickScheduled_ = true;
  uint64_t activity = sctp::UsrsctpLibrary::activity();
  int64_t interval = activity == sctpActivity_ ? kSctpIdleTickUs : kSctpTickUs;
  sctpActivity_ = activity;
  loop_.timers().schedule(loop_.now() + interval, [this] { onSctpTick(); });
}

void Engine::onSctpTick() {
  sctpTickScheduled_ = false;
  int64_t now = loop_.now();
  sctp::UsrsctpLibrary::handleTimers(now);
  for (TransportHost* host : dataHosts_) host->onSctpTick(now);
  scheduleSctpTick();
}

bool Engine::detachPort(uint32_t portHandle, uint32_t transportHandle) {
  bool found = false;
  call([&] {
    auto port = ports_.find(portHandle);
    auto host = transports_.find(transportHandle);
    if (port == ports_.end() || host == transports_.end()) return;
    host->second->detachPort(*port->second);
    found = true;
  });
  return found;
}

void Engine::onTransportEvent(uint32_t handle, const transport::TransportEvent& event) {
  EngineEvent e{EngineEventKind::Transport, handle, 0, {}};
  e.transport = event;
  events_.push_back(std::move(e));
}

bool Engine::onTransportDataMessage(uint32_t handle, transport::TransportEvent&& event) {
  if (dataMessagesQueued_ >= kMaxDataMessagesPerBatch) return false;
  ++dataMessagesQueued_;
  EngineEvent e{EngineEventKind::Transport, handle, 0, {}};
  e.transport = std::move(event);
  events_.push_back(std::move(e));
  return true;
}

void Engine::flushEvents() {
  dataMessagesQueued_ = 0;
  if (events_.empty()) return;
  size_t count = events_.size();
  if (sink_.deliver(std::move(events_))) {
    counters_.eventsDelivered.add(count);
  } else {
    counters_.eventsDropped.add(count);
  }
  events_ = EngineEventBatch();
}

void Engine::onPortSource(UdpPort& port, const net::SocketAddress& source) {
  events_.push_back({EngineEventKind::PortSource, port.handle(), 0, source.toString()});
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
      events_.push_back({EngineEventKind::PortDrops, handle, static_cast<int64_t>(oversize - port->reportedOversize),
                         "oversize"});
      port->reportedOversize = oversize;
    }
    uint64_t errors = c.socketErrors.get();
    if (errors != port->reportedSocketErrors) {
      events_.push_back({EngineEventKind::PortDrops, handle, static_cast<int64_t>(errors - port->reportedSocketErrors),
                         "socket-error"});
      port->reportedSocketErrors = errors;
    }
  }
}

}  // namespace wg::io
