#include "TurnStreamConnection.hpp"

#include "../core/turn/ChannelData.hpp"
#include "../core/turn/TurnClient.hpp"

#include <cstring>

namespace wg::io {

namespace {
const uint8_t kPadding[3] = {0, 0, 0};
}

TurnStreamConnection::TurnStreamConnection(EventLoop& loop, size_t relay, TurnStreamSettings settings, Listener* listener)
    : loop_(loop),
      relay_(relay),
      settings_(std::move(settings)),
      listener_(listener),
      tcp_(loop, settings_.tcp, static_cast<TcpConnection::Listener&>(*this)) {
  if (settings_.tls) frame_.resize(turn::channelDataFrameSize(turn::TurnClient::kMaxPayload, true));
}

TurnStreamConnection::~TurnStreamConnection() {
  cancelTimer(tlsTimer_);
  cancelTimer(reportTimer_);
  tls_.reset();
  tcp_.close();
}

bool TurnStreamConnection::open(std::string& error) {
  ++stats_.connectAttempts;
  int code = 0;
  if (!tcp_.connect(settings_.server, code)) {
    error = "TCP connect to " + settings_.server.toString() + " failed: " + errnoText(code);
    reported_ = true;  // said through the return value
    return false;
  }
  return true;
}

bool TurnStreamConnection::send(const uint8_t* data, size_t size) {
  bool sent = open_ && (tls_ ? sendOverTls(data, size) : tcp_.send(data, size));
  if (sent) ++stats_.messagesSent;
  else ++stats_.messagesDropped;
  return sent;
}

bool TurnStreamConnection::sendChannelData(uint16_t channel, const uint8_t* payload, size_t size) {
  if (!open_ || size > turn::TurnClient::kMaxPayload) {
    ++stats_.messagesDropped;
    return false;
  }
  size_t total = turn::channelDataFrameSize(size, true);
  uint8_t header[turn::kChannelDataHeaderSize];
  turn::writeChannelDataHeader(header, channel, static_cast<uint16_t>(size));
  bool sent;
  if (tls_) {
    // OpenSSL encrypts from one contiguous buffer: the frame is assembled there once.
    std::memcpy(frame_.data(), header, sizeof header);
    std::memcpy(frame_.data() + sizeof header, payload, size);
    std::memset(frame_.data() + sizeof header + size, 0, total - sizeof header - size);
    sent = sendOverTls(frame_.data(), total);
  } else {
    iovec pieces[3] = {{header, sizeof header},
                       {const_cast<uint8_t*>(payload), size},
                       {const_cast<uint8_t*>(kPadding), total - sizeof header - size}};
    sent = tcp_.send(pieces, pieces[2].iov_len > 0 ? 3 : 2);
  }
  if (sent) ++stats_.messagesSent;
  else ++stats_.messagesDropped;
  return sent;
}

bool TurnStreamConnection::sendOverTls(const uint8_t* data, size_t size) {
  if (tcp_.sendRoom() < tls::TlsClientStream::maxCiphertextSize(size)) return false;
  bool accepted = tls_->writePlaintext(data, size);
  if (tlsSendFailed_) fail("the TCP send queue overflowed under TLS");
  return accepted && !tlsSendFailed_;
}

void TurnStreamConnection::finish(Listener* listener) {
  listener_ = listener;
  finished_ = true;
  cancelTimer(tlsTimer_);
  cancelTimer(reportTimer_);
  open_ = false;
  if (tls_ && tls_->state() == tls::TlsState::Connected) tls_->close();  // close_notify, queued first
  if (tlsSendFailed_) {
    tcp_.close();
    return;
  }
  tcp_.shutdownAfterFlush();  // closes at once unless connected
}

bool TurnStreamConnection::closed() const {
  return tcp_.state() == TcpState::Closed || tcp_.state() == TcpState::Idle;
}

TurnStreamStats TurnStreamConnection::stats() const {
  TurnStreamStats s = stats_;
  s.tcp = tcp_.stats();
  return s;
}

void TurnStreamConnection::onTcpConnected(TcpConnection&) {
  if (!settings_.tls) {
    open_ = true;
    if (listener_) listener_->onStreamOpen(*this);
    return;
  }
  tls::TlsClientSettings tls;
  tls.serverName = settings_.serverName;
  tls.handshakeTimeoutUs = settings_.tlsHandshakeTimeoutUs;
  tls_ = std::make_unique<tls::TlsClientStream>(settings_.tls, tls, static_cast<tls::TlsClientStream::Listener&>(*this));
  tls_->start(loop_.now());
  if (tlsSendFailed_) fail("the TCP send queue overflowed under TLS");
  else scheduleTlsTimeout();
}

void TurnStreamConnection::onTcpData(TcpConnection&, uint8_t* data, size_t size) {
  if (tls_) {
    tls_->handleCiphertext(loop_.now(), data, size);
    if (tlsSendFailed_) fail("the TCP send queue overflowed under TLS");
    return;
  }
  if (open_ && listener_) listener_->onStreamBytes(*this, data, size);
}

void TurnStreamConnection::onTcpClosed(TcpConnection&, int, const std::string& reason) {
  open_ = false;
  if (finished_) {
    // Whoever holds it now only waits for the socket to go.
    if (listener_) listener_->onStreamClosed(*this, reason);
    return;
  }
  // Over TLS, the TLS layer says it better (a handshake cut short, a truncated stream).
  if (tls_ && (tls_->state() == tls::TlsState::Connecting || tls_->state() == tls::TlsState::Connected))
    tls_->handleEndOfStream(loop_.now());
  report(reason);
}

void TurnStreamConnection::onTlsSend(const uint8_t* data, size_t size) {
  // Called from inside OpenSSL: only note the loss here.
  if (!tcp_.send(data, size)) tlsSendFailed_ = true;
}

void TurnStreamConnection::onTlsConnected(const tls::TlsSessionInfo& session) {
  cancelTimer(tlsTimer_);
  stats_.tls = session;
  open_ = true;
  if (listener_) listener_->onStreamOpen(*this);
}

void TurnStreamConnection::onTlsPlaintext(uint8_t* data, size_t size) {
  if (open_ && listener_) listener_->onStreamBytes(*this, data, size);
}

void TurnStreamConnection::onTlsClosed() {
  // Our close_notify answered theirs; TCP winds down after it.
  open_ = false;
  tcp_.shutdownAfterFlush();
  report("the server closed the TLS connection (close_notify)");
}

void TurnStreamConnection::onTlsFailed(const std::string& reason) { fail(reason); }

void TurnStreamConnection::fail(const std::string& reason) {
  open_ = false;
  cancelTimer(tlsTimer_);
  tcp_.close();
  report(reason);
}

void TurnStreamConnection::report(const std::string& reason) {
  // Once to the owner; after finish() every closure tells the holder the socket may be gone.
  if (reported_ && !finished_) return;
  reported_ = true;
  cancelTimer(reportTimer_);
  reportTimer_ = loop_.timers().schedule(loop_.now(), [this, reason] {
    reportTimer_.reset();
    if (listener_) listener_->onStreamClosed(*this, reason);
  });
}

void TurnStreamConnection::scheduleTlsTimeout() {
  cancelTimer(tlsTimer_);
  auto at = tls_ ? tls_->nextTimeout() : std::nullopt;
  if (!at) return;
  tlsTimer_ = loop_.timers().schedule(*at, [this] {
    tlsTimer_.reset();
    if (tls_) tls_->handleTimeout(loop_.now());
  });
}

void TurnStreamConnection::cancelTimer(std::optional<TimerQueue::TimerId>& timer) {
  if (timer) loop_.timers().cancel(*timer);
  timer.reset();
}

}  // namespace wg::io
