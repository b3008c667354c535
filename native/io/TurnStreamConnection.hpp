#pragma once

#include "../core/net/SocketAddress.hpp"
#include "../core/tls/TlsClientStream.hpp"
#include "EventLoop.hpp"
#include "TcpConnection.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wg::io {

struct TurnStreamSettings {
  net::SocketAddress server;
  // Set for TLS (turns:): the shared context of the server's verification policy.
  std::shared_ptr<tls::TlsClientContext> tls;
  std::string serverName;  // SNI and the identity the certificate must carry
  TcpConnectionOptions tcp;  // localAddress: the gateway's media IP to connect from, port 0
  int64_t tlsHandshakeTimeoutUs = 10'000'000;
};

struct TurnStreamStats {
  uint64_t connectAttempts = 0;  // at most one: a relay's stream is never reopened
  uint64_t messagesSent = 0;     // whole TURN messages (STUN or ChannelData) accepted
  uint64_t messagesDropped = 0;  // refused whole: the send queue was full (or the stream not open)
  TcpConnectionStats tcp;
  std::optional<tls::TlsSessionInfo> tls;  // once the handshake completed
};

// The connection one TURN relay of a transport talks to its server through, over TCP or TLS
// (RFC 8656 section 3.1; turns: is RFC 7065): a TcpConnection and, for TLS, a TlsClientStream
// over it. Whole TURN messages go in and leave whole or not at all; the server's bytes come out
// as a stream for the TURN client's deframer. Loop thread only.
//
// A failure is reported from the loop (a zero-delay timer), never from inside a send, so the
// TURN client that is sending is never re-entered. Like TcpConnection, it must not be destroyed
// from inside its own callbacks: hand it to RetiredStreams instead.
class TurnStreamConnection : private TcpConnection::Listener, private tls::TlsClientStream::Listener {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // TCP connected and, for TLS, the handshake done with the certificate accepted.
    virtual void onStreamOpen(TurnStreamConnection& stream) = 0;
    // Bytes from the server (decrypted); may be changed in place, not kept.
    virtual void onStreamBytes(TurnStreamConnection& stream, uint8_t* data, size_t size) = 0;
    // Once: refused, timed out, certificate rejected, closed by the server, or finished.
    virtual void onStreamClosed(TurnStreamConnection& stream, const std::string& reason) = 0;
  };

  TurnStreamConnection(EventLoop& loop, size_t relay, TurnStreamSettings settings, Listener* listener);
  ~TurnStreamConnection() override;
  TurnStreamConnection(const TurnStreamConnection&) = delete;
  TurnStreamConnection& operator=(const TurnStreamConnection&) = delete;

  size_t relay() const { return relay_; }
  bool overTls() const { return settings_.tls != nullptr; }
  // Starts connecting; false with `error` when the socket cannot even start (no event follows).
  bool open(std::string& error);
  // One whole TURN message; false (counted) when it does not fit or the stream is not open.
  bool send(const uint8_t* data, size_t size);
  // ChannelData: the 4-byte header, the payload and zeros to a multiple of 4 (RFC 8656 section
  // 12.5), into the TCP send queue in one copy (over TLS, into the record to encrypt).
  bool sendChannelData(uint16_t channel, const uint8_t* payload, size_t size);
  // Lets go: close_notify over TLS, then FIN once the queue is out, and the socket closes when
  // the server closes too or after the TCP close timeout. From now on `listener` (nullptr:
  // none) hears only onStreamClosed, when the socket closes; a pending report is dropped.
  void finish(Listener* listener);
  // The socket is gone (closed, failed or never opened): safe to destroy at a safe point.
  bool closed() const;
  TurnStreamStats stats() const;

private:
  // TcpConnection::Listener
  void onTcpConnected(TcpConnection& connection) override;
  void onTcpData(TcpConnection& connection, uint8_t* data, size_t size) override;
  void onTcpClosed(TcpConnection& connection, int error, const std::string& reason) override;
  // tls::TlsClientStream::Listener
  void onTlsSend(const uint8_t* data, size_t size) override;
  void onTlsConnected(const tls::TlsSessionInfo& session) override;
  void onTlsPlaintext(uint8_t* data, size_t size) override;
  void onTlsClosed() override;
  void onTlsFailed(const std::string& reason) override;

  // Encrypts one message when its records fit in the TCP queue (ciphertext dropped after
  // encryption would break the TLS stream).
  bool sendOverTls(const uint8_t* data, size_t size);
  // Closes the socket and reports `reason` from the loop, once.
  void fail(const std::string& reason);
  void report(const std::string& reason);
  void scheduleTlsTimeout();
  void cancelTimer(std::optional<TimerQueue::TimerId>& timer);

  EventLoop& loop_;
  size_t relay_;
  TurnStreamSettings settings_;
  Listener* listener_;
  TcpConnection tcp_;
  std::unique_ptr<tls::TlsClientStream> tls_;
  std::vector<uint8_t> frame_;  // a ChannelData frame to encrypt (TLS only), allocated once
  std::optional<TimerQueue::TimerId> tlsTimer_;
  std::optional<TimerQueue::TimerId> reportTimer_;
  bool open_ = false;
  bool reported_ = false;
  bool finished_ = false;
  bool tlsSendFailed_ = false;
  TurnStreamStats stats_;
};

}  // namespace wg::io
