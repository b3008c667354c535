#pragma once

#include <napi.h>

namespace wg::testing {

// runCoreTests({ testCase?, testSuite?, includeSkipped? }): runs the doctest C++ unit tests
// compiled into this addon (native/testing/tests/) and returns their counts and failures.
void addCoreTestFunctions(Napi::Env env, Napi::Object target);

}  // namespace wg::testing
