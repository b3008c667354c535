#include "SocketAddress.hpp"

#include <arpa/inet.h>

namespace wg::net {

std::optional<SocketAddress> SocketAddress::parse(const std::string& ip, uint16_t port) {
  uint8_t bytes[16];
  if (inet_pton(AF_INET, ip.c_str(), bytes) == 1) return fromIpv4Bytes(bytes, port);
  if (inet_pton(AF_INET6, ip.c_str(), bytes) == 1) return fromIpv6Bytes(bytes, port);
  return std::nullopt;
}

SocketAddress SocketAddress::fromSockaddr(const sockaddr* sa, socklen_t len) {
  SocketAddress a;
  if (len > sizeof(a.storage_)) len = sizeof(a.storage_);
  std::memcpy(&a.storage_, sa, len);
  return a;
}

SocketAddress SocketAddress::fromIpv4Bytes(const uint8_t ip[4], uint16_t port) { return fromIpBytes(AF_INET, ip, port); }

SocketAddress SocketAddress::fromIpv6Bytes(const uint8_t ip[16], uint16_t port) { return fromIpBytes(AF_INET6, ip, port); }

SocketAddress SocketAddress::fromIpBytes(sa_family_t family, const uint8_t* ip, uint16_t port) {
  SocketAddress a;
  a.storage_.ss_family = family;
  // ipBytes() points into a's own storage (now of the right family), which is not const here.
  std::memcpy(const_cast<uint8_t*>(a.ipBytes()), ip, a.ipLength());
  return a.withPort(port);
}

const uint8_t* SocketAddress::ipBytes() const {
  if (storage_.ss_family == AF_INET)
    return reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr);
  if (storage_.ss_family == AF_INET6)
    return reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr);
  return nullptr;
}

bool SocketAddress::sameIp(const SocketAddress& other) const {
  return family() == other.family() && ipLength() > 0 && std::memcmp(ipBytes(), other.ipBytes(), ipLength()) == 0;
}

SocketAddress SocketAddress::withPort(uint16_t port) const {
  SocketAddress a = *this;
  if (a.storage_.ss_family == AF_INET) reinterpret_cast<sockaddr_in*>(&a.storage_)->sin_port = htons(port);
  if (a.storage_.ss_family == AF_INET6) reinterpret_cast<sockaddr_in6*>(&a.storage_)->sin6_port = htons(port);
  return a;
}

uint16_t SocketAddress::port() const {
  if (storage_.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (storage_.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

socklen_t SocketAddress::length() const {
  if (storage_.ss_family == AF_INET) return sizeof(sockaddr_in);
  if (storage_.ss_family == AF_INET6) return sizeof(sockaddr_in6);
  return 0;
}

std::string SocketAddress::ipString() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (storage_.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof(buf));
  } else if (storage_.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf, sizeof(buf));
  }
  return buf;
}

std::string SocketAddress::toString() const {
  if (storage_.ss_family == AF_INET6) return "[" + ipString() + "]:" + std::to_string(port());
  if (storage_.ss_family == AF_INET) return ipString() + ":" + std::to_string(port());
  return "";
}

bool SocketAddress::operator==(const SocketAddress& other) const {
  if (storage_.ss_family != other.storage_.ss_family) return false;
  if (storage_.ss_family == AF_INET) {
    auto* a = reinterpret_cast<const sockaddr_in*>(&storage_);
    auto* b = reinterpret_cast<const sockaddr_in*>(&other.storage_);
    return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
  }
  if (storage_.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(&storage_);
    auto* b = reinterpret_cast<const sockaddr_in6*>(&other.storage_);
    return a->sin6_port == b->sin6_port &&
           std::memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(in6_addr)) == 0 &&
           a->sin6_scope_id == b->sin6_scope_id;
  }
  return true;
}

}  // namespace wg::net
