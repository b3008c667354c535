// DataChannelPipe: the data path's decisions (send, refuse, count) against a recording Output.
#include "../../core/datachannel/DataChannelPipe.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace wg::datachannel;
using wg::sctp::SctpSendStatus;

namespace {
struct Recorder : DataChannelPipe::Output {
  std::vector<std::string> sent, datagrams, toJs;
  SctpSendStatus answer = SctpSendStatus::Ok;
  uint32_t buffered = 0;
  bool redirect = true;
  bool jsRoom = true;
  int remoteCloses = 0;
  SctpSendStatus sendMessage(const uint8_t* d, size_t n) override {
    if (answer == SctpSendStatus::Ok) sent.emplace_back(reinterpret_cast<const char*>(d), n);
    return answer;
  }
  uint32_t bufferedAmount() override { return buffered; }
  bool sendDatagram(const uint8_t* d, size_t n) override {
    if (redirect) datagrams.emplace_back(reinterpret_cast<const char*>(d), n);
    return redirect;
  }
  bool sendToJs(bool, const uint8_t* d, size_t n) override {
    if (jsRoom) toJs.emplace_back(reinterpret_cast<const char*>(d), n);
    return jsRoom;
  }
  void onRemoteClose() override { ++remoteCloses; }
};

const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }
uint64_t toRemote(const DataChannelPipe& p, DropReason r) { return p.counters().droppedToRemote[static_cast<size_t>(r)]; }
uint64_t fromRemote(const DataChannelPipe& p, DropReason r) { return p.counters().droppedFromRemote[static_cast<size_t>(r)]; }
}  // namespace

TEST_SUITE("DataChannelPipe") {
  TEST_CASE("datagrams before open are dropped channel_not_open; after, sent with their bytes counted") {
    Recorder out;
    DataChannelPipe pipe({Serialization::None, 0}, out);
    std::string d = "hello";
    pipe.onDatagram(bytes(d), d.size());
    CHECK(toRemote(pipe, DropReason::ChannelNotOpen) == 1);
    CHECK(out.sent.empty());
    pipe.setOpen(true);
    pipe.onDatagram(bytes(d), d.size());
    CHECK(out.sent == std::vector<std::string>{"hello"});
    CHECK(pipe.counters().sentMessages == 1);
    CHECK(pipe.counters().sentBytes == 5);
  }

  TEST_CASE("the buffer limit and SCTP's answers become drop reasons, never a block") {
    Recorder out;
    DataChannelPipe pipe({Serialization::None, 100}, out);
    pipe.setOpen(true);
    std::string d(60, 'x');
    out.buffered = 100;  // at the limit
    pipe.onDatagram(bytes(d), d.size());
    CHECK(toRemote(pipe, DropReason::BufferFull) == 1);
    out.buffered = 99;  // under it: goes, the queue ends under the limit plus one datagram
    pipe.onDatagram(bytes(d), d.size());
    CHECK(out.sent.size() == 1);
    out.answer = SctpSendStatus::Full;
    pipe.onDatagram(bytes(d), d.size());
    CHECK(toRemote(pipe, DropReason::BufferFull) == 2);
    out.answer = SctpSendStatus::TooLarge;
    pipe.onDatagram(bytes(d), d.size());
    CHECK(toRemote(pipe, DropReason::TooLarge) == 1);
    out.answer = SctpSendStatus::Failed;
    pipe.onDatagram(bytes(d), d.size());
    CHECK(toRemote(pipe, DropReason::SendFailed) == 1);
    CHECK(pipe.counters().sentMessages == 1);
  }

  TEST_CASE("received messages go to the redirect, or are dropped no_redirect; stray channels are malformed") {
    Recorder out;
    DataChannelPipe pipe({Serialization::None, 0}, out);
    std::string m = "from peer";
    pipe.onMessage(true, bytes(m), m.size());
    CHECK(out.datagrams == std::vector<std::string>{"from peer"});
    out.redirect = false;
    pipe.onMessage(true, bytes(m), m.size());
    CHECK(fromRemote(pipe, DropReason::NoRedirect) == 1);
    pipe.onStrayMessage();
    CHECK(fromRemote(pipe, DropReason::Malformed) == 1);
    // Only what reached the redirect counts as received.
    CHECK(pipe.counters().receivedMessages == 1);
    CHECK(pipe.counters().receivedBytes == m.size());
  }

  TEST_CASE("a chunked BINARY message counts as one datagram received, with the datagram's bytes") {
    Recorder sender;
    DataChannelPipe from({Serialization::Binary, 0}, sender);
    from.setOpen(true);
    std::vector<uint8_t> big(40000, 0x5a);
    from.onDatagram(big.data(), big.size());
    REQUIRE(sender.sent.size() == 3);  // 40000 bytes packed: three PeerJS chunks of at most 16300
    CHECK(from.counters().sentMessages == 1);
    Recorder receiver;
    DataChannelPipe to({Serialization::Binary, 0}, receiver);
    for (const auto& chunk : sender.sent) to.onMessage(true, reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size());
    REQUIRE(receiver.datagrams.size() == 1);
    CHECK(receiver.datagrams[0] == std::string(big.begin(), big.end()));
    CHECK(to.counters().receivedMessages == 1);
    CHECK(to.counters().receivedBytes == big.size());
  }

  TEST_CASE("a datagram that finds less than the limit queued goes, even one larger than the limit") {
    Recorder out;
    DataChannelPipe pipe({Serialization::None, 100}, out);
    pipe.setOpen(true);
    std::string d(300, 'y');
    out.buffered = 0;
    pipe.onDatagram(bytes(d), d.size());
    CHECK(out.sent.size() == 1);
    out.buffered = 100;
    pipe.onDatagram(bytes(d), d.size());
    CHECK(toRemote(pipe, DropReason::BufferFull) == 1);
  }

  TEST_CASE("drop reports carry what is new since the last one, per direction and reason") {
    Recorder out;
    DataChannelPipe pipe({Serialization::None, 0}, out);
    std::string d = "x";
    pipe.onDatagram(bytes(d), 1);
    pipe.onDatagram(bytes(d), 1);
    out.redirect = false;
    pipe.onMessage(true, bytes(d), 1);
    REQUIRE(pipe.hasNewDrops());
    std::vector<DropReport> reports;
    pipe.takeDropReports(reports);
    REQUIRE(reports.size() == 2);
    CHECK(reports[0].direction == Direction::ToRemote);
    CHECK(reports[0].reason == DropReason::ChannelNotOpen);
    CHECK(reports[0].count == 2);
    CHECK(reports[1].direction == Direction::FromRemote);
    CHECK(reports[1].reason == DropReason::NoRedirect);
    CHECK_FALSE(pipe.hasNewDrops());
    pipe.onDatagram(bytes(d), 1);
    pipe.takeDropReports(reports);
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].count == 1);
  }
}
