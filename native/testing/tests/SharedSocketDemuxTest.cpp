// SharedSocketDemux: which ICE agent a datagram on a shared socket is for (RFC 8445 section
// 7.2.2 for USERNAME, RFC 7983 for telling STUN from DTLS and SRTP).
#include "../../core/ice/SharedSocketDemux.hpp"
#include "../../core/stun/StunMessageBuilder.hpp"

#include <doctest/doctest.h>

#include <vector>

using wg::ice::SharedSocketDemux;
using wg::net::SocketAddress;
namespace stun = wg::stun;

namespace {

stun::TransactionId transaction(uint8_t seed) {
  stun::TransactionId id{};
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(seed * 31 + i);
  return id;
}

std::vector<uint8_t> binding(stun::MessageClass cls, const stun::TransactionId& id, const char* username = nullptr) {
  std::vector<uint8_t> buffer(256);
  stun::StunMessageBuilder b(buffer.data(), buffer.size(), static_cast<uint16_t>(stun::Method::Binding), cls, id);
  if (username) b.addString(stun::attr::Username, username);
  b.addFingerprint();
  REQUIRE(b.ok());
  buffer.resize(b.size());
  return buffer;
}

// A DTLS record's first bytes (RFC 7983: 20..63 is DTLS): routed only by source address.
const std::vector<uint8_t> kDtls = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

SocketAddress address(const char* ip, uint16_t port) { return *SocketAddress::parse(ip, port); }

}  // namespace

TEST_SUITE("SharedSocketDemux") {
  TEST_CASE("a Binding request goes to the owner its USERNAME names") {
    SharedSocketDemux demux;
    REQUIRE(demux.addOwner(1, "aaaa"));
    REQUIRE(demux.addOwner(2, "bbbb"));
    CHECK_FALSE(demux.addOwner(3, "aaaa"));  // a ufrag names one owner
    auto from = address("192.0.2.1", 4000);
    auto toB = binding(stun::MessageClass::Request, transaction(1), "bbbb:remote");
    CHECK(demux.route(from, toB.data(), toB.size(), 0) == 2u);
    auto toNobody = binding(stun::MessageClass::Request, transaction(2), "cccc:remote");
    CHECK_FALSE(demux.route(from, toNobody.data(), toNobody.size(), 0).has_value());
    CHECK(demux.stats().byUfrag == 1);
    CHECK(demux.stats().unknown == 1);
  }

  TEST_CASE("after an ICE restart the owner's new and old ufrags both route, a bounded number of them") {
    SharedSocketDemux demux;
    REQUIRE(demux.addOwner(1, "gen0"));
    REQUIRE(demux.addOwner(2, "other"));
    CHECK_FALSE(demux.addUfrag(3, "gen1"));    // no such owner
    CHECK_FALSE(demux.addUfrag(1, "other"));   // another owner's
    REQUIRE(demux.addUfrag(1, "gen1"));
    auto from = address("192.0.2.1", 4000);
    auto old = binding(stun::MessageClass::Request, transaction(1), "gen0:remote");
    auto fresh = binding(stun::MessageClass::Request, transaction(2), "gen1:remote");
    CHECK(demux.route(from, old.data(), old.size(), 0) == 1u);
    CHECK(demux.route(from, fresh.data(), fresh.size(), 0) == 1u);
    REQUIRE(demux.addUfrag(1, "gen2"));
    REQUIRE(demux.addUfrag(1, "gen3"));  // the oldest, gen0, goes
    CHECK_FALSE(demux.route(from, old.data(), old.size(), 0).has_value());
    auto newest = binding(stun::MessageClass::Request, transaction(3), "gen3:remote");
    CHECK(demux.route(from, newest.data(), newest.size(), 0) == 1u);
    demux.removeOwner(1);
    CHECK_FALSE(demux.route(from, newest.data(), newest.size(), 0).has_value());
    CHECK(demux.addOwner(4, "gen1"));  // forgotten with its owner
  }

  TEST_CASE("a response goes to the owner of the request; its success proves the address") {
    SharedSocketDemux demux;
    REQUIRE(demux.addOwner(7, "seven"));
    auto remote = address("198.51.100.9", 5000);
    CHECK_FALSE(demux.route(remote, kDtls.data(), kDtls.size(), 0).has_value());  // nothing proven yet

    auto request = binding(stun::MessageClass::Request, transaction(9), "remote:seven");
    demux.onSend(7, remote, request.data(), request.size(), 1000);
    auto response = binding(stun::MessageClass::SuccessResponse, transaction(9));
    CHECK(demux.route(remote, response.data(), response.size(), 2000) == 7u);
    CHECK(demux.stats().byTransaction == 1);
    CHECK(demux.route(remote, kDtls.data(), kDtls.size(), 3000) == 7u);
    CHECK(demux.stats().byAddress == 1);
    // Another port of the same host is another address.
    auto otherPort = remote.withPort(5001);
    CHECK_FALSE(demux.route(otherPort, kDtls.data(), kDtls.size(), 3000).has_value());
    // A transaction is answered once.
    CHECK(demux.route(address("203.0.113.1", 1), response.data(), response.size(), 4000) == std::nullopt);
  }

  TEST_CASE("a success response the owner sends binds the address it goes to") {
    SharedSocketDemux demux;
    REQUIRE(demux.addOwner(1, "one"));
    auto remote = address("2001:db8::5", 6000);
    auto answer = binding(stun::MessageClass::SuccessResponse, transaction(3));
    demux.onSend(1, remote, answer.data(), answer.size(), 0);
    CHECK(demux.route(remote, kDtls.data(), kDtls.size(), 0) == 1u);
    CHECK(demux.addresses() == 1);
  }

  TEST_CASE("an unanswered request's transaction is forgotten after its lifetime") {
    SharedSocketDemux demux;
    REQUIRE(demux.addOwner(1, "one"));
    auto remote = address("192.0.2.2", 7000);
    auto request = binding(stun::MessageClass::Request, transaction(4), "r:one");
    demux.onSend(1, remote, request.data(), request.size(), 0);
    CHECK(demux.pendingTransactions() == 1);
    auto late = binding(stun::MessageClass::SuccessResponse, transaction(4));
    CHECK_FALSE(demux.route(remote, late.data(), late.size(), SharedSocketDemux::kTransactionLifetimeUs + 1).has_value());
    CHECK(demux.pendingTransactions() == 0);
  }

  TEST_CASE("the latest proven owner of an address wins, and the takeover is counted") {
    SharedSocketDemux demux;
    REQUIRE(demux.addOwner(1, "one"));
    REQUIRE(demux.addOwner(2, "two"));
    auto remote = address("192.0.2.3", 8000);
    auto answer = binding(stun::MessageClass::SuccessResponse, transaction(5));
    demux.onSend(1, remote, answer.data(), answer.size(), 0);
    demux.onSend(2, remote, answer.data(), answer.size(), 0);
    CHECK(demux.stats().addressTakeovers == 1);
    CHECK(demux.route(remote, kDtls.data(), kDtls.size(), 0) == 2u);
    // Removing the old owner must not take the address from the new one.
    demux.removeOwner(1);
    CHECK(demux.route(remote, kDtls.data(), kDtls.size(), 0) == 2u);
    demux.removeOwner(2);
    CHECK_FALSE(demux.route(remote, kDtls.data(), kDtls.size(), 0).has_value());
    CHECK(demux.owners() == 0);
  }
}
