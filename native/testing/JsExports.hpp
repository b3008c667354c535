#pragma once

// What the test addon's function tables and counter getters share: exporting plain functions
// under their names, and a plain object of numbers. Test surface only; never in the product.
#include <napi.h>

#include <initializer_list>
#include <utility>

namespace wg::binding {

struct ExportedFunction {
  const char* name;  // the property, and the function's name in stack traces
  Napi::Function::Callback callback;
};

inline void exportFunctions(Napi::Env env, Napi::Object target, std::initializer_list<ExportedFunction> functions) {
  for (const auto& f : functions) target.Set(f.name, Napi::Function::New(env, f.callback, f.name));
}

// {name: value, ...}: counters and sizes as numbers, the way JavaScript reads them.
inline Napi::Object numbersToJs(Napi::Env env, std::initializer_list<std::pair<const char*, double>> fields) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& [name, value] : fields) o.Set(name, value);
  return o;
}

}  // namespace wg::binding
