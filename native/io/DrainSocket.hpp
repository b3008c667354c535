#pragma once

#include "BatchSizes.hpp"
#include "RecvBatch.hpp"

#include <cstddef>

namespace wg::io {

// Reads what a non-blocking socket holds, one recvmmsg(2) batch at a time, at most
// kBatchesPerWake batches, and hands each datagram's slot in `batch` to `onDatagram(size_t)`,
// truncated ones too (the caller counts or skips them: RecvBatch::truncated). Returns 0, or
// -errno when a read failed.
template <class OnDatagram>
int drainSocket(int fd, RecvBatch& batch, OnDatagram&& onDatagram) {
  for (int round = 0; round < kBatchesPerWake; ++round) {
    int n = batch.receive(fd);
    if (n < 0) return n;
    for (int i = 0; i < n; ++i) onDatagram(static_cast<size_t>(i));
    if (static_cast<size_t>(n) < batch.capacity()) return 0;
  }
  return 0;
}

}  // namespace wg::io
