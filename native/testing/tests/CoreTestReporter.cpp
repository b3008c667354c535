// A doctest reporter that collects counts and failure messages for JavaScript instead of
// printing them: runCoreTests() hands them to the node:test file that asserts on them.
#include "CoreTestResults.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace wg::testing {

CoreTestResults& currentCoreTestResults() {
  static CoreTestResults results;
  return results;
}

namespace {

class CoreTestReporter : public doctest::IReporter {
public:
  explicit CoreTestReporter(const doctest::ContextOptions&) {}

  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& stats) override {
    CoreTestResults& r = currentCoreTestResults();
    r.testCases = stats.numTestCasesPassingFilters;
    r.testCasesFailed = stats.numTestCasesFailed;
    r.asserts = stats.numAsserts;
    r.assertsFailed = stats.numAssertsFailed;
  }
  void test_case_start(const doctest::TestCaseData& test) override {
    current_ = std::string(test.m_test_suite) + "/" + test.m_name;
    CoreTestResults& r = currentCoreTestResults();
    r.testNames.push_back(current_);
    if (std::find(r.suites.begin(), r.suites.end(), test.m_test_suite) == r.suites.end()) r.suites.push_back(test.m_test_suite);
  }
  void test_case_reenter(const doctest::TestCaseData&) override {}  // once per subcase: counted once
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException& e) override {
    fail(current_ + ": threw " + e.error_string.c_str());
  }
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData& a) override {
    if (!a.m_failed) return;
    std::string text = std::string(a.m_file) + ":" + std::to_string(a.m_line) + ": " + current_ + ": " + a.m_expr;
    if (a.m_threw) text += std::string(" threw ") + a.m_exception.c_str();
    else text += std::string(" with ") + a.m_decomp.c_str();
    fail(text);
  }
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}

private:
  // Bounded: a broken loop of checks must not fill the memory with messages.
  static void fail(std::string text) {
    auto& failures = currentCoreTestResults().failures;
    if (failures.size() < 200) failures.push_back(std::move(text));
  }

  std::string current_;
};

}  // namespace

}  // namespace wg::testing

REGISTER_REPORTER("collect", 1, wg::testing::CoreTestReporter);
