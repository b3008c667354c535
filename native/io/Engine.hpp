#pragma once

#include "../core/common/Random.hpp"
#include "../core/dtls/DtlsContext.hpp"
#include "BatchSizes.hpp"
#include "DatagramOutbox.hpp"
#include "EngineContext.hpp"
#include "EngineEvent.hpp"
#include "EventLoop.hpp"
#include "PortCounters.hpp"
#include "RecvBatch.hpp"
#include "RelaxedCounter.hpp"
#include "RetiredStreams.hpp"
#include "SharedTransportSocket.hpp"
#include "TlsContextCache.hpp"
#include "TransportHost.hpp"
#include "UdpPort.hpp"

#include <sys/types.h>

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace wg::io {

struct EngineOptions {
  size_t recvBatchCount = kRecvBatchCount;  // datagrams per recvmmsg(2)
  size_t recvSlotBytes = 4096;  // larger datagrams are dropped as "oversize"
};

struct EngineCounters {
  RelaxedCounter eventsDelivered;
  RelaxedCounter eventsDropped;  // the thread-safe function's queue was full
};

struct OutboxStats {
  uint64_t sent;
  uint64_t dropped;
  uint64_t sendCalls;
};

// The native I/O thread: one EventLoop that owns every port's socket and a timer.
// Control methods may be called from any thread; the sockets are only touched by the loop.
class Engine : private UdpPort::Listener, private TransportHost::Listener {
public:
  Engine(const EngineOptions& options, EngineEventSink& sink);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Joins the thread; every port is closed before it returns. Idempotent.
  void stop();
  bool running() const;
  pid_t threadId() const { return threadId_; }

  // Hands a bound socket to the loop. Its datagrams are counted in `counters`. A port whose
  // maxDatagramBytes exceeds the engine's recvSlotBytes (a data port: up to 65507 bytes) reads
  // into the engine's one large receive batch instead (few slots, made on first use).
  void addPort(uint32_t handle, UdpSocket socket, std::shared_ptr<PortCounters> counters, size_t maxDatagramBytes = 0);
  // Closes the port's socket before returning. Returns false if the handle is unknown.
  bool closePort(uint32_t handle);

  // The gateway's DTLS identity, shared by all its transports.
  const std::string& fingerprint() const { return dtls_->certificate().sha256Fingerprint(); }
  // Builds a transport on the calling thread, so its local parameters can be read right away;
  // addTransport() then hands it to the loop, which starts it.
  // `turnSockets`: UDP sockets for the TURN allocations of shared host sockets; `tlsContexts`:
  // from tlsContext(), one per verification policy its turns: servers use.
  std::unique_ptr<TransportHost> makeTransport(uint32_t handle, transport::TransportConfig config,
                                               std::vector<TransportHost::HostSocket> sockets,
                                               std::vector<TransportHost::TurnSocket> turnSockets = {},
                                               TransportHost::TlsContexts tlsContexts = {});
  // The shared TLS client context of a verification policy; nullptr with `error` if it cannot be made.
  std::shared_ptr<tls::TlsClientContext> tlsContext(const tls::TlsVerifyConfig& config, std::string& error) {
    return tlsContexts_.get(config, error);
  }
  size_t tlsContextCount() const { return tlsContexts_.size(); }
  // TURN stream connections still finishing after their transports closed.
  size_t retiredStreams();
  // Hands the loop a socket that every transport created later on its IP shares as its host
  // candidate, instead of binding its own (see SharedTransportSocket).
  void addSharedSocket(UdpSocket socket);
  // The shared socket on `local`'s IP (any port), or nullptr.
  SharedTransportSocket* sharedSocketFor(const net::SocketAddress& local) const;
  std::vector<std::pair<net::SocketAddress, SharedTransportSocket::Stats>> sharedSocketStats();
  void addTransport(std::unique_ptr<TransportHost> host);
  // Runs `command` on the loop thread with the transport; false if the handle is unknown.
  bool withTransport(uint32_t handle, const std::function<void(TransportHost&)>& command);
  // Sends close_notify, closes the transport's sockets and forgets it. False if unknown.
  bool closeTransport(uint32_t handle);
  // Feeds a port's datagrams to a transport as RTP or RTCP of one stream. False if either is unknown.
  bool attachPort(uint32_t portHandle, uint32_t transportHandle, TransportHost::PacketKind kind,
                  TransportHost::MediaKind media);
  bool detachPort(uint32_t portHandle, uint32_t transportHandle);
  // Feeds a port's datagrams to a data transport's pipe. False if either is unknown or the
  // transport has no data channels.
  bool attachDataPort(uint32_t portHandle, uint32_t transportHandle);

  const EngineCounters& counters() const { return counters_; }
  OutboxStats outboxStats() const { return {outbox_.sent.get(), outbox_.dropped.get(), outbox_.sendCalls.get()}; }
  uint64_t loopWakeups() const { return loop_.wakeups(); }
  uint64_t loopWaitErrors() const { return loop_.waitErrors(); }

private:
  void threadMain(std::promise<pid_t>& started);
  // Runs `command` on the loop thread and waits for it (inline once the thread has stopped).
  void call(const std::function<void()>& command);
  using TransportTable = std::unordered_map<uint32_t, std::unique_ptr<TransportHost>>;
  // Closes the transport, flushes the outbox (which may point into the host) and forgets it.
  void eraseTransport(TransportTable::iterator it);
  void flushEvents();
  void reportDrops();

  void onPortSource(UdpPort& port, const net::SocketAddress& source) override;
  void onPortDrop(UdpPort& port) override;
  void onTransportEvent(uint32_t handle, const transport::TransportEvent& event) override;
  bool onTransportDataMessage(uint32_t handle, transport::TransportEvent&& event) override;
  // One SCTP tick for every data transport of this engine (not a timer each): usrsctp's timers,
  // then each association's queued packets (some queued by other engines' ticks).
  void scheduleSctpTick();
  void onSctpTick();

  EngineEventSink& sink_;
  EventLoop loop_;
  RecvBatch recvBatch_;
  std::unique_ptr<RecvBatch> largeBatch_;  // data ports' (see addPort)
  DatagramOutbox outbox_;
  FileDescriptor redirect4_;
  FileDescriptor redirect6_;
  std::vector<uint8_t> scratch_;
  EngineContext context_;
  CryptoRandom random_;
  std::shared_ptr<dtls::DtlsContext> dtls_;
  TlsContextCache tlsContexts_;
  // Declared before transports_: a transport destroyed hands its streams over to it.
  RetiredStreams retiredStreams_;
  std::unordered_map<uint32_t, std::unique_ptr<UdpPort>> ports_;
  // Declared before transports_ so that transports, which detach from them, go first.
  mutable std::mutex sharedMutex_;  // the list only: the sockets themselves are the loop's
  std::vector<std::unique_ptr<SharedTransportSocket>> sharedSockets_;
  TransportTable transports_;
  EngineEventBatch events_;
  EngineCounters counters_;
  bool dropReportScheduled_ = false;
  std::vector<TransportHost*> dataHosts_;
  bool sctpTickScheduled_ = false;
  uint64_t sctpActivity_ = 0;  // UsrsctpLibrary::activity() when the last tick was scheduled
  size_t dataMessagesQueued_ = 0;  // in events_, bounded

  mutable std::mutex lifecycleMutex_;
  bool running_ = false;
  pid_t threadId_ = 0;
  std::thread thread_;
};

}  // namespace wg::io
