// DCEP DATA_CHANNEL_OPEN (RFC 8832 section 5.1): bytes laid out by hand from the RFC's figure.
#include "../../core/sctp/DcepMessage.hpp"

#include <doctest/doctest.h>

#include <vector>

using wg::sctp::DcepOpen;
using wg::sctp::parseDcepOpen;
using wg::sctp::writeDcepOpen;

namespace {
// Type 0x03, channel type 0x81 (unordered, partial reliable rexmit), priority 256, 3
// retransmissions, label "chat", protocol "p".
const std::vector<uint8_t> kUnorderedRexmit = {0x03, 0x81, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x04,
                                               0x00, 0x01, 'c',  'h',  'a',  't',  'p'};
}  // namespace

TEST_SUITE("DcepMessage") {
  TEST_CASE("parses an unordered partially reliable OPEN with label and protocol") {
    auto open = parseDcepOpen(kUnorderedRexmit.data(), kUnorderedRexmit.size());
    REQUIRE(open.has_value());
    CHECK(open->label == "chat");
    CHECK(open->protocol == "p");
    CHECK(open->priority == 256);
    CHECK_FALSE(open->reliability.ordered);
    CHECK(open->reliability.maxRetransmits == 3u);
    CHECK_FALSE(open->reliability.maxLifetimeMs.has_value());
  }

  TEST_CASE("writes the same bytes it parses, and a timed ordered OPEN round-trips") {
    DcepOpen open;
    open.label = "chat";
    open.protocol = "p";
    open.priority = 256;
    open.reliability.ordered = false;
    open.reliability.maxRetransmits = 3;
    std::vector<uint8_t> out;
    writeDcepOpen(open, out);
    CHECK(out == kUnorderedRexmit);

    DcepOpen timed;
    timed.label = "";
    timed.reliability.maxLifetimeMs = 1500;
    writeDcepOpen(timed, out);
    REQUIRE(out.size() == 12);
    CHECK(out[1] == 0x02);  // ordered, partial reliable timed
    auto back = parseDcepOpen(out.data(), out.size());
    REQUIRE(back.has_value());
    CHECK(back->reliability.ordered);
    CHECK(back->reliability.maxLifetimeMs == 1500u);
    CHECK(back->label.empty());
  }

  TEST_CASE("refuses truncated, unknown-type and non-OPEN messages") {
    auto bytes = kUnorderedRexmit;
    CHECK_FALSE(parseDcepOpen(bytes.data(), bytes.size() - 1).has_value());  // protocol cut off
    CHECK_FALSE(parseDcepOpen(bytes.data(), 11).has_value());                // header cut off
    bytes[1] = 0x03;                                                          // no such channel type
    CHECK_FALSE(parseDcepOpen(bytes.data(), bytes.size()).has_value());
    bytes = kUnorderedRexmit;
    bytes[0] = 0x02;  // an ACK is not an OPEN
    CHECK_FALSE(parseDcepOpen(bytes.data(), bytes.size()).has_value());
  }
}
