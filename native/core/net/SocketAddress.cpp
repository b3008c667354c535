#include "SocketAddress.hpp"

#include <arpa/inet.h>

namespace wg::net {

std::optional<SocketAddress> SocketAddress::parse(const std::string& ip, uint16_t port) {
  SocketAddress a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage_);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return a;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage_);
  if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return a;
  }
  return std::nullopt;
}

SocketAddress SocketAddress::fromSockaddr(const sockaddr* sa, socklen_t len) {
  SocketAddress a;
  if (len > sizeof(a.storage_)) len = sizeof(a.storage_);
  std::memcpy(&a.storage_, sa, len);
  return a;
}

SocketAddress SocketAddress::fromIpv4Bytes(const uint8_t ip[4], uint16_t port) {
  SocketAddress a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage_);
  v4->sin_family = AF_INET;
  v4->sin_port = htons(port);
  std::memcpy(&v4->sin_addr, ip, 4);
  return a;
}

SocketAddress SocketAddress::fromIpv6Bytes(const uint8_t ip[16], uint16_t port) {
  SocketAddress a;
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage_);
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(port);
  std::memcpy(&v6->sin6_addr, ip, 16);
  return a;
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
