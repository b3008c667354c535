#pragma once

#include "../net/SocketAddress.hpp"
#include "../tls/TlsVerifyConfig.hpp"

#include <cstdint>
#include <string>

namespace wg::turn {

// How the client reaches its server (RFC 8656 section 3.1). The client only sees bytes: over
// UDP each input is one datagram; over TCP and TLS, chunks of a stream.
enum class TurnTransport : uint8_t { Udp, Tcp, Tls };

const char* turnTransportName(TurnTransport transport);  // "udp", "tcp", "tls"

// TURN's clocks, in microseconds. Defaults follow RFC 8489 section 6.2.1 and RFC 8656.
struct TurnTimings {
  int64_t rtoUs = 500'000;        // first retransmission over UDP (RFC 8489 section 6.2.1)
  int transmissions = 7;          // Rc: requests sent in all over UDP
  int lastWaitRtos = 16;          // Rm: after the last one, wait this many initial RTOs
  int64_t streamTimeoutUs = 39'500'000;  // Ti: over TCP/TLS, no retransmission, one timeout
  int64_t permissionRefreshUs = 240'000'000;  // permissions last 300 s (RFC 8656 section 9)
  int64_t channelRefreshUs = 540'000'000;     // channels last 600 s (RFC 8656 section 12)
  int64_t refreshMarginUs = 60'000'000;       // refresh the allocation this long before it expires,
                                              // or at half its lifetime if that is sooner
};

struct TurnClientConfig {
  net::SocketAddress server;
  TurnTransport transport = TurnTransport::Udp;
  std::string username;
  std::string password;
  // How the server is named in events and failures, e.g. "turn:192.0.2.1:3478?transport=udp".
  std::string url;
  // The name the server was given as (for TLS: the name its certificate must carry).
  std::string host;
  // For TLS (turns:): how the server's certificate is judged. The client itself only sees the
  // decrypted bytes; this travels with the server to the layer that opens the connection.
  tls::TlsVerifyConfig tlsVerify;
  // The family of the relayed address; unspecified: the server's family. An IPv6 one adds
  // REQUESTED-ADDRESS-FAMILY (RFC 8656 section 7.1).
  int relayFamily = 0;
  // LIFETIME asked for in Allocate and Refresh, in seconds; 0: none in the Allocate (the server's
  // default) and the default 600 s in each Refresh (TurnClient::kDefaultLifetimeSeconds).
  uint32_t lifetimeSeconds = 0;
  TurnTimings timings;
};

}  // namespace wg::turn
