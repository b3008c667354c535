// An in-memory network of two IceAgents for the ICE doctests: the controlling one plays a client
// with two interfaces (WHIP publisher, browser), the controlled one the gateway.
#pragma once

#include "../../core/common/Random.hpp"
#include "../../core/ice/IceAgent.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace wg::icetest {

using wg::net::SocketAddress;

inline SocketAddress address(const char* ip, uint16_t port) { return *SocketAddress::parse(ip, port); }

struct Datagram {
  SocketAddress from;
  SocketAddress to;
  std::vector<uint8_t> bytes;
};

// One agent and what it did: datagrams go to the shared queue, the rest is recorded.
struct Peer : ice::IceAgent::Listener {
  Peer(ice::IceRole role, std::vector<SocketAddress> hosts, uint64_t seed, std::deque<Datagram>& wire)
      : random(seed), wire(wire) {
    ice::IceConfig config;
    config.role = role;
    config.hostAddresses = std::move(hosts);
    agent = std::make_unique<ice::IceAgent>(config, random, *this);
  }
  void onIceSend(int socketIndex, const SocketAddress& to, const uint8_t* data, size_t size) override {
    wire.push_back({agent->config().hostAddresses[socketIndex], to, std::vector<uint8_t>(data, data + size)});
    sent.push_back(wire.back());
  }
  void onIceLocalCandidate(const ice::Candidate&) override {}
  void onIceGatheringComplete() override {}
  void onIceStateChange(ice::IceState state) override { states.push_back(state); }
  void onIceSelectedPair(const ice::Candidate& local, const ice::Candidate& remote) override {
    selected.emplace_back(local.address, remote.address);
  }
  int socketOf(const SocketAddress& a) const {
    const auto& hosts = agent->config().hostAddresses;
    for (size_t i = 0; i < hosts.size(); ++i) {
      if (hosts[i] == a) return static_cast<int>(i);
    }
    return -1;
  }

  SeededRandom random;
  std::deque<Datagram>& wire;
  std::unique_ptr<ice::IceAgent> agent;
  std::vector<Datagram> sent;
  std::vector<ice::IceState> states;
  std::vector<std::pair<SocketAddress, SocketAddress>> selected;
};

// The WHIP client (controlling) with two interfaces, the gateway (controlled) with one.
struct Network {
  std::deque<Datagram> wire;
  Peer client{ice::IceRole::Controlling, {address("10.0.0.1", 1000), address("10.0.0.3", 3000)}, 11, wire};
  Peer gateway{ice::IceRole::Controlled, {address("10.0.0.2", 2000)}, 22, wire};
  int64_t now = 1'000'000;
  SocketAddress cut;  // datagrams from or to this address are lost
  size_t delivered = 0;

  // Delivers what is on the wire, then moves the clock to the next timeout; `step` after each
  // round. Bounded by `rounds` and by `untilUs` of simulated time.
  template <typename Step>
  void run(int64_t forUs, Step step, int rounds = 5000) {
    int64_t untilUs = now + forUs;
    for (int i = 0; i < rounds; ++i) {
      for (int n = 0; !wire.empty() && n < 1000; ++n) {
        Datagram d = std::move(wire.front());
        wire.pop_front();
        if (d.from == cut || d.to == cut) continue;
        for (Peer* p : {&client, &gateway}) {
          int socket = p->socketOf(d.to);
          if (socket < 0) continue;
          ++delivered;
          p->agent->handleStun(now, socket, d.from, d.bytes.data(), d.bytes.size());
        }
      }
      step();
      auto a = client.agent->nextTimeout();
      auto b = gateway.agent->nextTimeout();
      int64_t next = untilUs;
      if (a && *a < next) next = *a;
      if (b && *b < next) next = *b;
      if (!wire.empty()) next = now;
      if (next >= untilUs) {
        now = untilUs;
        client.agent->handleTimeout(now);
        gateway.agent->handleTimeout(now);
        return;
      }
      now = std::max(now, next);
      client.agent->handleTimeout(now);
      gateway.agent->handleTimeout(now);
    }
  }
  void run(int64_t forUs) {
    run(forUs, [] {});
  }

  void signalCandidates(Peer& from, Peer& to) {
    for (const auto& c : from.agent->localCandidates()) to.agent->addRemoteCandidate(now, c);
    to.agent->setRemoteEndOfCandidates(now);
  }

  // The first generation: the client signals only its first interface (the one cut later).
  void connect() {
    client.agent->start(now);
    gateway.agent->start(now);
    client.agent->setRemoteCredentials(now, gateway.agent->localUfrag(), gateway.agent->localPassword());
    gateway.agent->setRemoteCredentials(now, client.agent->localUfrag(), client.agent->localPassword());
    gateway.agent->addRemoteCandidate(now, client.agent->localCandidates()[0]);
    signalCandidates(gateway, client);
    run(2'000'000);
  }
};

}  // namespace wg::icetest
