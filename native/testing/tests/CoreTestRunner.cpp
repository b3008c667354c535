// The one translation unit with doctest's implementation; the test cases are in the files beside it.
#define DOCTEST_CONFIG_IMPLEMENT
#include "CoreTestRunner.hpp"

#include "CoreTestResults.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace wg::testing {

namespace {

Napi::Array toArray(Napi::Env env, const std::vector<std::string>& items) {
  Napi::Array out = Napi::Array::New(env, items.size());
  for (size_t i = 0; i < items.size(); ++i) out.Set(static_cast<uint32_t>(i), items[i]);
  return out;
}

std::string stringOption(const Napi::Object& options, const char* name) {
  Napi::Value v = options.Get(name);
  if (v.IsUndefined()) return {};
  if (!v.IsString()) throw Napi::TypeError::New(options.Env(), std::string(name) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

Napi::Value runCoreTests(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  std::string testCase = stringOption(options, "testCase");
  std::string testSuite = stringOption(options, "testSuite");
  bool includeSkipped = options.Get("includeSkipped").ToBoolean();

  currentCoreTestResults() = {};
  doctest::Context context;
  context.setOption("reporters", "collect");
  // Node owns the process: no signal handlers, no exit, no reading of its command line.
  context.setOption("no-breaks", true);
  if (!testCase.empty()) context.setOption("test-case", testCase.c_str());
  if (!testSuite.empty()) context.setOption("test-suite", testSuite.c_str());
  if (includeSkipped) context.setOption("no-skip", true);
  context.run();

  const CoreTestResults& r = currentCoreTestResults();
  Napi::Object out = Napi::Object::New(env);
  out.Set("testCases", r.testCases);
  out.Set("testCasesFailed", r.testCasesFailed);
  out.Set("asserts", r.asserts);
  out.Set("assertsFailed", r.assertsFailed);
  out.Set("suites", toArray(env, r.suites));
  out.Set("testNames", toArray(env, r.testNames));
  out.Set("failures", toArray(env, r.failures));
  return out;
}

}  // namespace

void addCoreTestFunctions(Napi::Env env, Napi::Object target) {
  target.Set("runCoreTests", Napi::Function::New(env, runCoreTests, "runCoreTests"));
}

}  // namespace wg::testing
