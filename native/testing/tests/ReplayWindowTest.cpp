// ReplayWindow: SRTP replay protection (RFC 3711 section 3.3.2).
#include "../../core/srtp/ReplayWindow.hpp"

#include <doctest/doctest.h>

using wg::srtp::ReplayWindow;

TEST_SUITE("ReplayWindow") {
  TEST_CASE("an accepted index is a replay; an unseen one in the window is not") {
    ReplayWindow w;
    CHECK(w.empty());
    CHECK(w.check(100));
    w.accept(100);
    CHECK_FALSE(w.check(100));
    CHECK(w.check(99));
    CHECK(w.check(101));
    w.accept(98);
    CHECK_FALSE(w.check(98));
    CHECK(w.check(99));
    CHECK(w.highest() == 100);
  }

  TEST_CASE("indices older than the window are refused") {
    ReplayWindow w;
    w.accept(5000);
    CHECK(w.check(5000 - (ReplayWindow::kSize - 1)));
    CHECK_FALSE(w.check(5000 - ReplayWindow::kSize));
    CHECK_FALSE(w.check(0));
  }

  TEST_CASE("moving ahead shifts what was seen; a jump past the window forgets it") {
    ReplayWindow w;
    w.accept(10);
    w.accept(12);
    CHECK_FALSE(w.check(10));
    CHECK(w.check(11));
    w.accept(12 + ReplayWindow::kSize + 5);
    CHECK_FALSE(w.check(12));  // too old now
    CHECK(w.check(12 + ReplayWindow::kSize + 4));
    CHECK_FALSE(w.check(12 + ReplayWindow::kSize + 5));
  }

  TEST_CASE("48-bit indices past 2^32 (RFC 3711 section 3.3.1)") {
    ReplayWindow w;
    const uint64_t i = (uint64_t{1} << 40) + 7;
    w.accept(i);
    CHECK_FALSE(w.check(i));
    CHECK(w.check(i - 1));
    CHECK(w.check(i + 1));
  }
}
