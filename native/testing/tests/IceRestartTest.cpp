// IceAgent restart (RFC 8445 section 9, RFC 8839 section 4.4.1.1.1): two agents on an in-memory
// network, the controlling one as a WHIP client that restarts (offerer), the controlled one as
// the gateway (answerer). The network change an ICE restart is for is played by cutting the
// path the first generation selected.
#include "../../core/ice/IceAgent.hpp"
#include "../../core/stun/StunMessage.hpp"
#include "../../core/stun/StunMessageBuilder.hpp"
#include "IceTestNetwork.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

using namespace wg;
using wg::net::SocketAddress;

using namespace wg::icetest;

namespace {

struct Parsed {
  stun::MessageClass cls;
  std::string username;
  uint16_t error = 0;
};

Parsed parse(const Datagram& d) {
  auto m = stun::StunMessage::parse(d.bytes.data(), d.bytes.size());
  REQUIRE(m.has_value());
  Parsed p{m->messageClass(), {}, 0};
  if (auto u = m->username()) p.username = std::string(*u);
  if (auto e = m->errorCode()) p.error = e->code;
  return p;
}

// A Binding request signed by hand, as a peer still on given credentials would send it.
Datagram bindingRequest(const SocketAddress& from, const SocketAddress& to, const std::string& username,
                        const std::string& password) {
  std::vector<uint8_t> buffer(256);
  stun::TransactionId id{};
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(0xA0 + i);
  stun::StunMessageBuilder b(buffer.data(), buffer.size(), static_cast<uint16_t>(stun::Method::Binding),
                             stun::MessageClass::Request, id);
  b.addString(stun::attr::Username, username);
  b.addU32(stun::attr::Priority, 12345);
  b.addU64(stun::attr::IceControlling, 1);
  b.addMessageIntegrity(password);
  b.addFingerprint();
  REQUIRE(b.ok());
  buffer.resize(b.size());
  return {from, to, buffer};
}

}  // namespace

TEST_SUITE("IceAgent restart") {
  TEST_CASE("new credentials, the previous pair until the new one is nominated, then the new pair") {
    Network net;
    net.connect();
    ice::IceAgent& client = *net.client.agent;
    ice::IceAgent& gateway = *net.gateway.agent;
    REQUIRE(gateway.state() == ice::IceState::Completed);
    REQUIRE(client.state() == ice::IceState::Completed);
    const SocketAddress firstPath = address("10.0.0.1", 1000);
    const SocketAddress secondPath = address("10.0.0.3", 3000);
    REQUIRE(gateway.route().remote == firstPath);

    const std::string clientOldUfrag = client.localUfrag();
    const std::string gatewayOldUfrag = gateway.localUfrag();
    const std::string gatewayOldPassword = gateway.localPassword();

    // The offer: the client restarts first, the gateway's new credentials come with the answer.
    REQUIRE(client.restart(net.now, "", ""));
    REQUIRE(gateway.restart(net.now, client.localUfrag(), client.localPassword()));
    client.setRemoteCredentials(net.now, gateway.localUfrag(), gateway.localPassword());
    CHECK(client.localUfrag() != clientOldUfrag);
    CHECK(gateway.localUfrag() != gatewayOldUfrag);
    CHECK(gateway.localPassword() != gatewayOldPassword);
    CHECK(gateway.restarts() == 1);
    CHECK(gateway.restarting());
    CHECK(gateway.state() == ice::IceState::Connected);  // data still flows: not "checking"
    CHECK(gateway.route().remote == firstPath);
    REQUIRE(gateway.selectedPair().has_value());
    CHECK(gateway.selectedPair()->second.address == firstPath);
    CHECK(gateway.checklist().pairs().empty());
    CHECK(gateway.checklist().remotes().empty());
    // The previous generation's paths still deliver data (the client's second interface sent
    // checks and became a valid pair too, though the route is the first).
    CHECK(gateway.isAuthenticatedSource(0, firstPath));
    CHECK(gateway.isAuthenticatedSource(0, secondPath));
    CHECK_FALSE(gateway.isAuthenticatedSource(0, address("10.0.0.9", 9000)));

    // No candidates yet: consent on the previous pair runs with the old credentials, both ways.
    uint64_t clientConsent = client.stats().consentResponses;
    uint64_t gatewayConsent = gateway.stats().consentResponses;
    size_t gatewaySent = net.gateway.sent.size();
    net.run(7'000'000);
    CHECK(client.stats().consentResponses > clientConsent);
    CHECK(gateway.stats().consentResponses > gatewayConsent);
    bool oldConsentRequest = false;
    bool oldConsentAnswered = false;
    for (size_t i = gatewaySent; i < net.gateway.sent.size(); ++i) {
      Parsed p = parse(net.gateway.sent[i]);
      if (p.cls == stun::MessageClass::Request) oldConsentRequest |= p.username == clientOldUfrag + ":" + gatewayOldUfrag;
      if (p.cls == stun::MessageClass::SuccessResponse) oldConsentAnswered = true;
      CHECK(p.cls != stun::MessageClass::ErrorResponse);
    }
    CHECK(oldConsentRequest);
    CHECK(oldConsentAnswered);
    CHECK(gateway.restarting());
    CHECK(gateway.route().remote == firstPath);

    // The network changes: the first interface is gone. The new candidates are signalled.
    net.cut = firstPath;
    gatewaySent = net.gateway.sent.size();
    size_t selectedBefore = net.gateway.selected.size();
    net.signalCandidates(net.client, net.gateway);
    net.signalCandidates(net.gateway, net.client);
    bool previousRouteWhileRestarting = true;
    net.run(5'000'000, [&] {
      if (gateway.restarting()) previousRouteWhileRestarting &= gateway.route().remote == firstPath;
    });
    CHECK(previousRouteWhileRestarting);
    CHECK_FALSE(gateway.restarting());
    CHECK(gateway.state() == ice::IceState::Completed);
    CHECK(client.state() == ice::IceState::Completed);
    CHECK(gateway.route().remote == secondPath);
    REQUIRE(gateway.selectedPair().has_value());
    CHECK(gateway.selectedPair()->second.address == secondPath);
    REQUIRE(net.gateway.selected.size() == selectedBefore + 1);  // one switch, to the nominated pair
    CHECK(net.gateway.selected.back().second == secondPath);
    auto nominated = gateway.checklist().bestValid(true);
    REQUIRE(nominated.has_value());
    CHECK(gateway.checklist().remote(gateway.checklist().pairs()[*nominated]).address == secondPath);
    // The new generation's checks name the new credentials; the old ones only go, as consent,
    // on the previous pair.
    bool newChecks = false;
    for (size_t i = gatewaySent; i < net.gateway.sent.size(); ++i) {
      Parsed p = parse(net.gateway.sent[i]);
      if (p.cls != stun::MessageClass::Request) continue;
      if (p.username == clientOldUfrag + ":" + gatewayOldUfrag) {
        CHECK(net.gateway.sent[i].to == firstPath);
        continue;
      }
      CHECK(p.username == client.localUfrag() + ":" + gateway.localUfrag());
      newChecks = true;
    }
    CHECK(newChecks);

    // Consent freshness continues on the new pair with the new credentials (requests to the cut
    // path are the new generation's checks there, retransmitted until they fail).
    gatewaySent = net.gateway.sent.size();
    uint64_t consentBefore = gateway.stats().consentResponses;
    net.run(7'000'000);
    CHECK(gateway.stats().consentResponses > consentBefore);
    bool newConsent = false;
    for (size_t i = gatewaySent; i < net.gateway.sent.size(); ++i) {
      Parsed p = parse(net.gateway.sent[i]);
      if (p.cls != stun::MessageClass::Request) continue;
      CHECK(p.username == client.localUfrag() + ":" + gateway.localUfrag());
      newConsent |= net.gateway.sent[i].to == secondPath;
    }
    CHECK(newConsent);
    CHECK(gateway.state() == ice::IceState::Completed);

    // Once the new pair is selected, the old credentials are refused.
    net.cut = SocketAddress();
    gatewaySent = net.gateway.sent.size();
    Datagram old = bindingRequest(secondPath, address("10.0.0.2", 2000), gatewayOldUfrag + ":" + clientOldUfrag,
                                  gatewayOldPassword);
    gateway.handleStun(net.now, 0, old.from, old.bytes.data(), old.bytes.size());
    REQUIRE(net.gateway.sent.size() == gatewaySent + 1);
    Parsed answer = parse(net.gateway.sent.back());
    CHECK(answer.cls == stun::MessageClass::ErrorResponse);
    CHECK(answer.error == stun::error::Unauthorized);
  }

  TEST_CASE("during a restart a check with the old credentials is answered, a forged one is not") {
    Network net;
    net.connect();
    ice::IceAgent& gateway = *net.gateway.agent;
    REQUIRE(gateway.state() == ice::IceState::Completed);
    const std::string clientOldUfrag = net.client.agent->localUfrag();
    const std::string gatewayOldUfrag = gateway.localUfrag();
    const std::string gatewayOldPassword = gateway.localPassword();
    REQUIRE(gateway.restart(net.now, "newufrag", "newpasswordnewpassword12"));
    const SocketAddress from = address("10.0.0.1", 1000);
    const SocketAddress to = address("10.0.0.2", 2000);

    size_t sent = net.gateway.sent.size();
    Datagram good = bindingRequest(from, to, gatewayOldUfrag + ":" + clientOldUfrag, gatewayOldPassword);
    gateway.handleStun(net.now, 0, from, good.bytes.data(), good.bytes.size());
    REQUIRE(net.gateway.sent.size() == sent + 1);
    CHECK(parse(net.gateway.sent.back()).cls == stun::MessageClass::SuccessResponse);
    // Signed with the old password, as the peer checks it.
    auto reply = stun::StunMessage::parse(net.gateway.sent.back().bytes.data(), net.gateway.sent.back().bytes.size());
    REQUIRE(reply.has_value());
    CHECK(reply->verifyMessageIntegrity(gatewayOldPassword));
    CHECK(gateway.checklist().pairs().empty());  // the new generation learned nothing from it

    Datagram forged = bindingRequest(from, to, gatewayOldUfrag + ":" + clientOldUfrag, "not-the-password-at-all!");
    gateway.handleStun(net.now, 0, from, forged.bytes.data(), forged.bytes.size());
    REQUIRE(net.gateway.sent.size() == sent + 2);
    CHECK(parse(net.gateway.sent.back()).error == stun::error::Unauthorized);
  }

  TEST_CASE("a failed or closed agent does not restart") {
    Network net;
    ice::IceAgent& gateway = *net.gateway.agent;
    gateway.close();
    std::string ufrag = gateway.localUfrag();
    CHECK_FALSE(gateway.restart(net.now, "abcd", "abcdabcdabcdabcdabcdabcd"));
    CHECK(gateway.localUfrag() == ufrag);
    CHECK(gateway.restarts() == 0);
  }
}
