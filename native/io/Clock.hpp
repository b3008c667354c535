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

// Wall-clock time as a 64-bit NTP timestamp (RFC 5905 section 6: seconds since 1900 in the high
// 32 bits, the fraction in the low 32), what RTCP sender reports carry (RFC 3550 section 4).
inline uint64_t ntpNow() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  constexpr uint64_t kUnixToNtpSeconds = 2208988800ull;
  uint64_t fraction = (static_cast<uint64_t>(ts.tv_nsec) << 32) / 1000000000ull;
  return ((static_cast<uint64_t>(ts.tv_sec) + kUnixToNtpSeconds) << 32) | fraction;
}

}  // namespace wg::io
