// SctpAssociation: two associations wired back to back in memory (no DTLS, no sockets), the
// packets of each turn queued and handed over after it, time advanced by hand.
#include "../../core/sctp/SctpAssociation.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <string>
#include <vector>

using namespace wg::sctp;

namespace {
struct Side : SctpAssociation::Listener {
  std::deque<std::vector<uint8_t>> outbox;
  struct Seen {
    DataChannelEventKind kind;
    uint16_t stream;
    bool binary;
    std::string text;  // label (opened) or payload (message)
  };
  std::vector<Seen> events;
  void onSctpSend(const uint8_t* data, size_t size) override { outbox.emplace_back(data, data + size); }
  void onDataChannelEvent(const DataChannelEvent& e) override {
    std::string text = e.open != nullptr ? e.open->label : std::string(reinterpret_cast<const char*>(e.data), e.size);
    if (e.data == nullptr && e.open == nullptr) text.clear();
    events.push_back({e.kind, e.stream, e.binary, text});
  }
  size_t count(DataChannelEventKind kind) const {
    size_t n = 0;
    for (const auto& e : events) n += e.kind == kind;
    return n;
  }
};

struct Pair {
  Side clientSide, serverSide;
  SctpAssociation client{SctpConfig{}, true, clientSide};
  SctpAssociation server{SctpConfig{}, false, serverSide};
  int64_t now = 1'000'000;

  // Moves queued packets both ways and ticks the timers, until quiet (bounded).
  void pump(int rounds = 200) {
    for (int i = 0; i < rounds; ++i) {
      now += 10'000;
      client.handleTimeout(now);
      server.handleTimeout(now);
      bool moved = false;
      while (!clientSide.outbox.empty()) {
        auto p = std::move(clientSide.outbox.front());
        clientSide.outbox.pop_front();
        server.handlePacket(now, p.data(), p.size());
        moved = true;
      }
      while (!serverSide.outbox.empty()) {
        auto p = std::move(serverSide.outbox.front());
        serverSide.outbox.pop_front();
        client.handlePacket(now, p.data(), p.size());
        moved = true;
      }
      if (!moved && i > 5 && client.up() && server.up()) return;
    }
  }
};
}  // namespace

TEST_SUITE("SctpAssociation") {
  TEST_CASE("both sides come up; a channel opens by DCEP with the DTLS client's even id; messages and close by reset") {
    Pair p;
    p.client.start(p.now);
    p.server.start(p.now);
    p.pump();
    REQUIRE(p.client.up());
    REQUIRE(p.server.up());
    CHECK(p.server.openChannel(DcepOpen{}) == std::optional<uint16_t>(1));  // the server's ids are odd

    DcepOpen open;
    open.label = "chat";
    auto stream = p.client.openChannel(open);
    REQUIRE(stream.has_value());
    CHECK(*stream % 2 == 0);
    p.pump();
    // The server heard both OPENs' peers: its own ACKed, the client's opened remotely.
    CHECK(p.serverSide.count(DataChannelEventKind::ChannelOpened) == 2);
    CHECK(p.clientSide.count(DataChannelEventKind::ChannelOpened) == 2);

    const std::string text = "hello";
    CHECK(p.client.send(*stream, false, reinterpret_cast<const uint8_t*>(text.data()), text.size()) == SctpSendStatus::Ok);
    const uint8_t bytes[] = {0, 255, 7};
    CHECK(p.client.send(*stream, true, bytes, sizeof(bytes)) == SctpSendStatus::Ok);
    CHECK(p.client.send(*stream, true, nullptr, 0) == SctpSendStatus::Ok);  // empty: PPID 57
    CHECK(p.client.send(77, true, bytes, 1) == SctpSendStatus::UnknownChannel);
    p.pump();
    std::vector<Side::Seen> messages;
    for (const auto& e : p.serverSide.events)
      if (e.kind == DataChannelEventKind::Message) messages.push_back(e);
    REQUIRE(messages.size() == 3);
    CHECK(messages[0].text == "hello");
    CHECK_FALSE(messages[0].binary);
    CHECK(messages[1].text == std::string("\0\xff\x07", 3));
    CHECK(messages[1].binary);
    CHECK(messages[2].text.empty());
    CHECK(messages[2].binary);
    CHECK(p.server.stats().messagesReceived == 3);

    CHECK(p.client.closeChannel(*stream));
    p.pump();
    CHECK(p.serverSide.count(DataChannelEventKind::ChannelClosed) == 1);
    CHECK(p.clientSide.count(DataChannelEventKind::ChannelClosed) == 1);
    CHECK(p.client.send(*stream, false, bytes, 1) == SctpSendStatus::UnknownChannel);
    CHECK(p.clientSide.count(DataChannelEventKind::AssociationFailed) == 0);
  }
}
