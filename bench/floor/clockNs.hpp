// Nanoseconds on a POSIX clock: CLOCK_MONOTONIC for deadlines, CLOCK_THREAD_CPUTIME_ID for cost.
#pragma once

#include <time.h>

namespace floorbench {

inline double nowNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

}  // namespace floorbench
