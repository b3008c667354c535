// IceAgent::selectedPair(), what a connection's status reports as selected_candidate_pair: from
// the first authenticated check on, data may already flow (the route answers where the check
// came from, RFC 8445 section 7.3.1.4 triggers our own check), so the pair is reported from then.
#include "../../core/ice/IceAgent.hpp"
#include "IceTestNetwork.hpp"

#include <doctest/doctest.h>

using namespace wg;
using namespace wg::icetest;

TEST_SUITE("IceAgent selected pair") {
  TEST_CASE("the path of the peer's first check before any pair is valid, then the nominated pair") {
    Network net;
    ice::IceAgent& client = *net.client.agent;
    ice::IceAgent& gateway = *net.gateway.agent;
    client.start(net.now);
    gateway.start(net.now);
    client.setRemoteCredentials(net.now, gateway.localUfrag(), gateway.localPassword());
    gateway.setRemoteCredentials(net.now, client.localUfrag(), client.localPassword());
    // The gateway has not heard of the client's candidates: its first check makes a peer-reflexive one.
    net.signalCandidates(net.gateway, net.client);
    CHECK_FALSE(gateway.selectedPair().has_value());

    // The client's first check reaches the gateway; the gateway's answer and its own check do not
    // travel yet, so no pair of either side is valid.
    client.handleTimeout(net.now);
    REQUIRE_FALSE(net.wire.empty());
    Datagram check = net.wire.front();
    net.wire.clear();
    gateway.handleStun(net.now, 0, check.from, check.bytes.data(), check.bytes.size());
    CHECK_FALSE(gateway.checklist().bestValid().has_value());
    REQUIRE(gateway.route().valid());
    auto early = gateway.selectedPair();
    REQUIRE(early.has_value());
    CHECK(early->first.address == address("10.0.0.2", 2000));
    CHECK(early->first.type == ice::CandidateType::Host);
    CHECK(early->second.address == check.from);
    CHECK(early->second.type == ice::CandidateType::PeerReflexive);
    CHECK_FALSE(client.selectedPair().has_value());  // the client has had no answer: no path yet

    // Everything travels from here: both sides settle on a nominated pair.
    net.wire.clear();
    net.run(3'000'000);
    REQUIRE(gateway.state() == ice::IceState::Completed);
    auto settled = gateway.selectedPair();
    REQUIRE(settled.has_value());
    CHECK(settled->first.address == address("10.0.0.2", 2000));
    CHECK(gateway.route().remote == settled->second.address);
    REQUIRE(client.selectedPair().has_value());
    CHECK(client.selectedPair()->second.address == address("10.0.0.2", 2000));
  }
}
