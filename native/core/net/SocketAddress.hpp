#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace wg::net {

// An IPv4 or IPv6 UDP endpoint, stored the way the socket API wants it.
class SocketAddress {
public:
  SocketAddress() { std::memset(&storage_, 0, sizeof(storage_)); }

  // Parses a numeric address ("127.0.0.1", "::1"); no name resolution.
  static std::optional<SocketAddress> parse(const std::string& ip, uint16_t port);
  static SocketAddress fromSockaddr(const sockaddr* sa, socklen_t len);
  static SocketAddress fromIpv4Bytes(const uint8_t ip[4], uint16_t port);
  static SocketAddress fromIpv6Bytes(const uint8_t ip[16], uint16_t port);

  int family() const { return storage_.ss_family; }
  uint16_t port() const;
  bool isUnspecified() const { return storage_.ss_family == AF_UNSPEC; }
  bool isIpv4() const { return storage_.ss_family == AF_INET; }
  bool isIpv6() const { return storage_.ss_family == AF_INET6; }
  // The raw address bytes (4 or 16), or nullptr when unspecified.
  const uint8_t* ipBytes() const;
  size_t ipLength() const { return isIpv4() ? 4 : isIpv6() ? 16 : 0; }
  bool sameIp(const SocketAddress& other) const;
  SocketAddress withPort(uint16_t port) const;

  const sockaddr* data() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* data() { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t length() const;
  static constexpr socklen_t capacity() { return sizeof(sockaddr_storage); }

  // "1.2.3.4:5" or "[::1]:5".
  std::string toString() const;
  std::string ipString() const;

  bool operator==(const SocketAddress& other) const;
  bool operator!=(const SocketAddress& other) const { return !(*this == other); }

private:
  // `ip` holds 4 bytes for AF_INET, 16 for AF_INET6.
  static SocketAddress fromIpBytes(sa_family_t family, const uint8_t* ip, uint16_t port);

  sockaddr_storage storage_;
};

}  // namespace wg::net
