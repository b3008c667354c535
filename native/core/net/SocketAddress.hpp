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

  int family() const { return storage_.ss_family; }
  uint16_t port() const;
  bool isUnspecified() const { return storage_.ss_family == AF_UNSPEC; }

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
  sockaddr_storage storage_;
};

}  // namespace wg::net
