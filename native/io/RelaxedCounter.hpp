#pragma once

#include <atomic>
#include <cstdint>

namespace wg::io {

// A counter written by the I/O thread only and read from any thread.
// A single writer needs no read-modify-write, so an increment is a plain store.
class RelaxedCounter {
public:
  void add(uint64_t n) { value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  uint64_t get() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace wg::io
