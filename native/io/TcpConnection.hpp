#pragma once

#include "../core/net/SocketAddress.hpp"
#include "ByteRing.hpp"
#include "EventLoop.hpp"
#include "FileDescriptor.hpp"
#include "IoHandler.hpp"
#include "TimerQueue.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wg::io {

struct TcpConnectionOptions {
  // Bind here before connecting (the gateway's media address; port 0 for any). Unset: the kernel picks.
  std::optional<net::SocketAddress> localAddress;
  int64_t connectTimeoutUs = 10'000'000;
  // What send() may queue beyond the kernel's socket buffer; past it, messages are dropped whole.
  size_t sendQueueBytes = 256 * 1024;
  size_t readChunkBytes = 16 * 1024;  // one recv(2), one onTcpData() at most
  int readsPerWake = 4;               // then other sockets get their turn (epoll is level-triggered)
  int64_t closeTimeoutUs = 2'000'000; // after shutdownAfterFlush(), how long the peer has to close
};

enum class TcpState { Idle, Connecting, Connected, Finishing, Closed };

const char* tcpStateName(TcpState state);

struct TcpConnectionStats {
  uint64_t bytesSent = 0;      // accepted by the kernel
  uint64_t bytesReceived = 0;
  uint64_t sendsDropped = 0;   // send() calls refused: queue full, not connected, or a send error
  uint64_t bytesDropped = 0;
  size_t queuedBytes = 0;
  size_t queuePeakBytes = 0;
};

// A non-blocking TCP client socket on the EventLoop (TURN over TCP and TLS, RFC 8656 section 3.1):
// connects with a timeout, hands each chunk read to the Listener, and sends through a bounded
// queue that drops whole messages when full, as a UDP socket drops datagrams. TCP_NODELAY: a
// relayed packet is not held back to be merged with the next. Loop thread only.
//
// Callbacks may call send(), shutdownAfterFlush() and close(), but must not destroy the
// connection (the loop may still hold an event for it): destroy it from a posted command.
class TcpConnection : public IoHandler {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    virtual void onTcpConnected(TcpConnection& connection) = 0;
    // A chunk as recv(2) returned it: stream bytes with no message boundaries. The bytes may
    // be changed in place (a TURN client decrypts SRTP where it lies) and are not kept.
    virtual void onTcpData(TcpConnection& connection, uint8_t* data, size_t size) = 0;
    // Once, after which the socket is closed: `error` is 0 when the peer closed the stream in
    // order (FIN), else the errno (ECONNREFUSED, ETIMEDOUT for the connect timeout, ...).
    virtual void onTcpClosed(TcpConnection& connection, int error, const std::string& reason) = 0;
  };

  TcpConnection(EventLoop& loop, const TcpConnectionOptions& options, Listener& listener);
  ~TcpConnection() override;
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  // Starts connecting. False (with `error` set to the errno, and no event to follow) when the
  // socket cannot be created, bound or started connecting at all; else onTcpConnected or
  // onTcpClosed follows.
  bool connect(const net::SocketAddress& remote, int& error);
  // Queues the whole message or, when it does not fit (or the connection is not open), drops
  // it and counts it: a byte stream must never carry part of a message. Sends at once when
  // nothing is queued. Allowed while connecting: the queue leaves when connected.
  bool send(const uint8_t* data, size_t size);
  // The same for one message in pieces (a header, the payload, padding): written with one
  // writev(2) when nothing is queued, else copied into the queue once; never partly accepted.
  bool send(const iovec* pieces, int count);
  // How many bytes send() accepts now.
  size_t sendRoom() const;
  // Half-closes once the queue is sent (FIN); onTcpClosed(0) when the peer closes too, or
  // ETIMEDOUT after closeTimeoutUs. Reading goes on meanwhile.
  void shutdownAfterFlush();
  // Closes the socket at once, dropping what is queued. No event follows.
  void close();

  void onReadable() override;
  void onWritable() override;

  TcpState state() const { return state_; }
  const net::SocketAddress& localAddress() const { return local_; }
  const net::SocketAddress& remoteAddress() const { return remote_; }
  TcpConnectionStats stats() const;

private:
  void finishConnect();
  void flush();
  void wantWritable(bool writable);
  void startTimer(int64_t afterUs);
  void cancelTimer();
  void onTimer();
  void fail(int error, const std::string& reason);
  void dropped(size_t size);
  // Writes to the socket at once when connected with nothing queued; how much went, or
  // nullopt after a send error (then deferred to the loop).
  std::optional<size_t> writeNow(const iovec* pieces, int count, size_t size);

  EventLoop& loop_;
  TcpConnectionOptions options_;
  Listener& listener_;
  FileDescriptor fd_;
  TcpState state_ = TcpState::Idle;
  net::SocketAddress local_;
  net::SocketAddress remote_;
  ByteRing queue_;
  std::vector<uint8_t> readBuffer_;
  std::optional<TimerQueue::TimerId> timer_;
  bool writable_ = false;   // EPOLLOUT requested
  bool finSent_ = false;
  int deferredError_ = 0;   // a send() failure, reported from the loop (never from inside send())
  TcpConnectionStats stats_;
};

// strerror_r's text for an errno.
std::string errnoText(int error);

}  // namespace wg::io
