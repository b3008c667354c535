// Proves the runner reports failures: skipped in a normal run, run on purpose by the node:test
// file (includeSkipped with this suite) which expects exactly these failures.
#include <doctest/doctest.h>

#include <stdexcept>

TEST_SUITE("RunnerSelfCheck" * doctest::skip()) {
  TEST_CASE("a failing check is reported with its values") {
    int two = 2;
    CHECK(two + 2 == 5);
  }

  TEST_CASE("an exception is reported") {
    throw std::runtime_error("thrown on purpose");
  }
}
