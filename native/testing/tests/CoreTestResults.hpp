#pragma once

#include <string>
#include <vector>

namespace wg::testing {

// What one run of the C++ unit tests found, as CoreTestReporter collects it.
struct CoreTestResults {
  unsigned testCases = 0;        // run (passing the filters)
  unsigned testCasesFailed = 0;
  int asserts = 0;
  int assertsFailed = 0;
  std::vector<std::string> suites;     // one per test suite that ran, in order
  std::vector<std::string> testNames;  // "suite/name" of each test case that ran
  std::vector<std::string> failures;   // "file:line: suite/name: CHECK( expr ) is NOT correct! values: ..."
};

// The results of the run in progress (doctest creates the reporter itself, so it writes here).
// Runs happen on the JavaScript thread that called runCoreTests(), one at a time.
CoreTestResults& currentCoreTestResults();

}  // namespace wg::testing
