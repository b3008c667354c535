// SocketAddress: numeric IPv4/IPv6 parsing and the "ip:port" / "[ip]:port" forms.
#include "../../core/net/SocketAddress.hpp"

#include <doctest/doctest.h>

using wg::net::SocketAddress;

TEST_SUITE("SocketAddress") {
  TEST_CASE("parses and formats IPv4") {
    auto a = SocketAddress::parse("192.0.2.7", 5004);
    REQUIRE(a.has_value());
    CHECK(a->isIpv4());
    CHECK(a->port() == 5004);
    CHECK(a->ipLength() == 4);
    const uint8_t expected[4] = {192, 0, 2, 7};
    CHECK(std::memcmp(a->ipBytes(), expected, 4) == 0);
    CHECK(a->toString() == "192.0.2.7:5004");
    CHECK(a->ipString() == "192.0.2.7");
    CHECK(a->length() == sizeof(sockaddr_in));
    CHECK(*a == SocketAddress::fromIpv4Bytes(expected, 5004));
  }

  TEST_CASE("parses and formats IPv6 in brackets, compressed") {
    auto a = SocketAddress::parse("2001:db8:0:0:0:0:0:1", 443);
    REQUIRE(a.has_value());
    CHECK(a->isIpv6());
    CHECK(a->ipLength() == 16);
    CHECK(a->toString() == "[2001:db8::1]:443");
    CHECK(a->ipString() == "2001:db8::1");
    CHECK(SocketAddress::parse("::1", 0)->toString() == "[::1]:0");
  }

  TEST_CASE("refuses names and malformed addresses (no resolution)") {
    for (const char* bad : {"localhost", "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", "::g", "[::1]"}) {
      CAPTURE(bad);
      CHECK_FALSE(SocketAddress::parse(bad, 1).has_value());
    }
  }

  TEST_CASE("equality covers family, IP and port; sameIp ignores the port") {
    auto a = *SocketAddress::parse("10.0.0.1", 1000);
    CHECK(a == *SocketAddress::parse("10.0.0.1", 1000));
    CHECK(a != a.withPort(1001));
    CHECK(a.sameIp(a.withPort(1001)));
    CHECK(a.withPort(1001).port() == 1001);
    CHECK_FALSE(a.sameIp(*SocketAddress::parse("10.0.0.2", 1000)));
    auto mapped = SocketAddress::parse("::ffff:10.0.0.1", 1000);  // IPv4-mapped: still IPv6
    REQUIRE(mapped.has_value());
    CHECK(mapped->isIpv6());
    CHECK(mapped->toString() == "[::ffff:10.0.0.1]:1000");
    CHECK_FALSE(a.sameIp(*mapped));
  }

  TEST_CASE("a default address is unspecified and has no IP") {
    SocketAddress none;
    CHECK(none.isUnspecified());
    CHECK(none.ipBytes() == nullptr);
    CHECK(none.ipLength() == 0);
    CHECK_FALSE(none.sameIp(SocketAddress()));
  }
}
