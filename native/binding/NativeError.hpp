#pragma once

#include <napi.h>

#include <string>

namespace wg::binding {

// Throws a JavaScript Error whose `code` property is stable, so TS can map it to a typed error.
[[noreturn]] void throwWithCode(Napi::Env env, const std::string& code, const std::string& message);
[[noreturn]] void throwTypeError(Napi::Env env, const std::string& message);
// "EADDRINUSE" for EADDRINUSE and so on; "ERRNO_<n>" for numbers we do not name.
std::string errnoCode(int error);

}  // namespace wg::binding
