#include "TcpConnection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace wg::io {

std::string errnoText(int error) {
  char buffer[128];
  // The GNU strerror_r returns the text, in `buffer` or a static string.
  return strerror_r(error, buffer, sizeof(buffer));
}

const char* tcpStateName(TcpState state) {
  switch (state) {
    case TcpState::Idle: return "idle";
    case TcpState::Connecting: return "connecting";
    case TcpState::Connected: return "connected";
    case TcpState::Finishing: return "finishing";
    case TcpState::Closed: return "closed";
  }
  return "idle";
}

TcpConnection::TcpConnection(EventLoop& loop, const TcpConnectionOptions& options, Listener& listener)
    : loop_(loop),
      options_(options),
      listener_(listener),
      queue_(std::max<size_t>(options.sendQueueBytes, 1)),
      readBuffer_(std::max<size_t>(options.readChunkBytes, 1)) {}

TcpConnection::~TcpConnection() { close(); }

bool TcpConnection::connect(const net::SocketAddress& remote, int& error) {
  error = 0;
  if (state_ != TcpState::Idle) {
    error = EISCONN;
    return false;
  }
  FileDescriptor fd(::socket(remote.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    error = errno;
    return false;
  }
  int on = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
  if (options_.localAddress) {
    if (options_.localAddress->family() != remote.family()) {
      error = EAFNOSUPPORT;
      return false;
    }
    if (::bind(fd.get(), options_.localAddress->data(), options_.localAddress->length()) != 0) {
      error = errno;
      return false;
    }
  }
  if (::connect(fd.get(), remote.data(), remote.length()) != 0 && errno != EINPROGRESS) {
    error = errno;
    return false;
  }
  // Even a connect that completed at once is reported from the loop, never from inside connect().
  if (!loop_.add(fd.get(), this, true)) {
    error = errno;
    return false;
  }
  fd_ = std::move(fd);
  writable_ = true;
  remote_ = remote;
  state_ = TcpState::Connecting;
  startTimer(options_.connectTimeoutUs);
  return true;
}

void TcpConnection::finishConnect() {
  int error = 0;
  socklen_t length = sizeof(error);
  if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error != 0) {
    fail(error, "TCP connect to " + remote_.toString() + " failed: " + errnoText(error));
    return;
  }
  socklen_t localLength = net::SocketAddress::capacity();
  ::getsockname(fd_.get(), local_.data(), &localLength);
  cancelTimer();
  state_ = TcpState::Connected;
  listener_.onTcpConnected(*this);
  if (state_ == TcpState::Connected) flush();
}

bool TcpConnection::send(const uint8_t* data, size_t size) {
  iovec piece{const_cast<uint8_t*>(data), size};
  return send(&piece, 1);
}

bool TcpConnection::send(const iovec* pieces, int count) {
  size_t size = 0;
  for (int i = 0; i < count; ++i) size += pieces[i].iov_len;
  if ((state_ != TcpState::Connecting && state_ != TcpState::Connected) || deferredError_ != 0 || size > queue_.room()) {
    dropped(size);
    return false;
  }
  size_t written = 0;
  if (state_ == TcpState::Connected && queue_.empty()) {
    auto n = writeNow(pieces, count, size);
    if (!n) return false;
    written = *n;
  }
  if (written < size) {
    // What the kernel did not take goes into the queue, piece by piece from where it stopped.
    for (int i = 0; i < count; ++i) {
      size_t length = pieces[i].iov_len;
      if (written >= length) {
        written -= length;
        continue;
      }
      queue_.push(static_cast<const uint8_t*>(pieces[i].iov_base) + written, length - written);
      written = 0;
    }
    stats_.queuePeakBytes = std::max(stats_.queuePeakBytes, queue_.size());
    wantWritable(true);
  }
  return true;
}

std::optional<size_t> TcpConnection::writeNow(const iovec* pieces, int count, size_t size) {
  msghdr message{};
  message.msg_iov = const_cast<iovec*>(pieces);
  message.msg_iovlen = static_cast<size_t>(count);
  ssize_t n;
  do {
    n = ::sendmsg(fd_.get(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
    // Reported from the loop: the writable event comes at once for a socket in error.
    deferredError_ = errno;
    dropped(size);
    wantWritable(true);
    return std::nullopt;
  }
  size_t written = n > 0 ? static_cast<size_t>(n) : 0;
  stats_.bytesSent += written;
  return written;
}

size_t TcpConnection::sendRoom() const {
  return state_ == TcpState::Connecting || state_ == TcpState::Connected ? queue_.room() : 0;
}

void TcpConnection::flush() {
  while (!queue_.empty()) {
    iovec pieces[2];
    int count = queue_.pieces(pieces);
    ssize_t n = ::writev(fd_.get(), pieces, count);
    if (n > 0) {
      queue_.pop(static_cast<size_t>(n));
      stats_.bytesSent += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      wantWritable(true);
      return;
    }
    int error = n < 0 ? errno : EPIPE;
    fail(error, "TCP send to " + remote_.toString() + " failed: " + errnoText(error));
    return;
  }
  wantWritable(false);
  if (state_ == TcpState::Finishing && !finSent_) {
    finSent_ = true;
    ::shutdown(fd_.get(), SHUT_WR);
  }
}

void TcpConnection::onWritable() {
  if (state_ == TcpState::Connecting) {
    finishConnect();
    return;
  }
  if (state_ != TcpState::Connected && state_ != TcpState::Finishing) return;
  if (deferredError_ != 0) {
    fail(deferredError_, "TCP send to " + remote_.toString() + " failed: " + errnoText(deferredError_));
    return;
  }
  flush();
}

void TcpConnection::onReadable() {
  if (state_ == TcpState::Connecting) {
    finishConnect();  // an error or hang-up reported without writability
    return;
  }
  for (int round = 0; round < options_.readsPerWake; ++round) {
    if (state_ != TcpState::Connected && state_ != TcpState::Finishing) return;
    ssize_t n = ::recv(fd_.get(), readBuffer_.data(), readBuffer_.size(), 0);
    if (n > 0) {
      stats_.bytesReceived += static_cast<uint64_t>(n);
      listener_.onTcpData(*this, readBuffer_.data(), static_cast<size_t>(n));
      if (static_cast<size_t>(n) < readBuffer_.size()) return;  // drained, most likely
      continue;
    }
    if (n == 0) {
      fail(0, state_ == TcpState::Finishing ? "closed" : "the peer " + remote_.toString() + " closed the connection");
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    int error = errno;
    fail(error, "TCP connection with " + remote_.toString() + " failed: " + errnoText(error));
    return;
  }
}

void TcpConnection::shutdownAfterFlush() {
  if (state_ != TcpState::Connected) {
    close();
    return;
  }
  state_ = TcpState::Finishing;
  startTimer(options_.closeTimeoutUs);
  if (queue_.empty()) flush();
}

void TcpConnection::close() {
  cancelTimer();
  if (fd_.valid()) {
    loop_.remove(fd_.get());
    fd_.reset();
  }
  queue_.pop(queue_.size());
  state_ = TcpState::Closed;
}

void TcpConnection::fail(int error, const std::string& reason) {
  if (state_ == TcpState::Closed) return;
  close();
  listener_.onTcpClosed(*this, error, reason);
}

void TcpConnection::dropped(size_t size) {
  ++stats_.sendsDropped;
  stats_.bytesDropped += size;
}

void TcpConnection::wantWritable(bool writable) {
  if (writable == writable_ || !fd_.valid()) return;
  writable_ = writable;
  loop_.setWritable(fd_.get(), this, writable);
}

void TcpConnection::startTimer(int64_t afterUs) {
  cancelTimer();
  timer_ = loop_.timers().schedule(loop_.now() + afterUs, [this] {
    timer_.reset();
    onTimer();
  });
}

void TcpConnection::cancelTimer() {
  if (timer_) loop_.timers().cancel(*timer_);
  timer_.reset();
}

void TcpConnection::onTimer() {
  if (state_ == TcpState::Connecting)
    fail(ETIMEDOUT, "TCP connect to " + remote_.toString() + " timed out after " +
                        std::to_string(options_.connectTimeoutUs / 1000) + " ms");
  else if (state_ == TcpState::Finishing)
    fail(ETIMEDOUT, "the peer " + remote_.toString() + " did not close the connection within " +
                        std::to_string(options_.closeTimeoutUs / 1000) + " ms");
}

TcpConnectionStats TcpConnection::stats() const {
  TcpConnectionStats s = stats_;
  s.queuedBytes = queue_.size();
  return s;
}

}  // namespace wg::io
