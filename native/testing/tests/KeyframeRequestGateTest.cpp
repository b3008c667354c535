// KeyframeRequestGate: one keyframe request per interval reaches the user's encoder.
#include "../../core/media/KeyframeRequestGate.hpp"

#include <doctest/doctest.h>

using wg::media::KeyframeRequestGate;

TEST_SUITE("KeyframeRequestGate") {
  TEST_CASE("the first request passes, even at time zero") {
    KeyframeRequestGate gate;
    CHECK(gate.admit(0));
    CHECK(gate.forwarded() == 1);
    CHECK(gate.coalesced() == 0);
  }

  TEST_CASE("requests within the interval are coalesced, the next one after it passes") {
    KeyframeRequestGate gate;
    const int64_t start = 10'000'000;
    REQUIRE(gate.admit(start));
    CHECK_FALSE(gate.admit(start + 1));
    CHECK_FALSE(gate.admit(start + KeyframeRequestGate::kIntervalUs - 1));
    CHECK(gate.admit(start + KeyframeRequestGate::kIntervalUs));
    CHECK_FALSE(gate.admit(start + KeyframeRequestGate::kIntervalUs + 1));
    CHECK(gate.forwarded() == 2);
    CHECK(gate.coalesced() == 3);
  }

  TEST_CASE("a hundred receivers asking at once reach the encoder once") {
    KeyframeRequestGate gate;
    int passed = 0;
    for (int i = 0; i < 100; ++i) passed += gate.admit(5'000'000 + i * 1000) ? 1 : 0;
    CHECK(passed == 1);
    CHECK(gate.coalesced() == 99);
  }
}
