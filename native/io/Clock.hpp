#pragma once

#include <cstdint>
#include <ctime>

namespace wg::io {

// Monotonic time in microseconds. Only io/ reads the clock; core/ is handed the time.
inline int64_t monotonicMicros() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace wg::io
