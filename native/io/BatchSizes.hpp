#pragma once

#include <cstddef>

namespace wg::io {

// How many datagrams the I/O thread moves per system call and per wake-up. The floor programs
// of bench/floor/ mirror these numbers (a gateway compared with a floor that batches differently
// would measure the batching, not the gateway).
constexpr size_t kRecvBatchCount = 32;  // datagrams per recvmmsg(2)
constexpr size_t kOutboxSlots = 256;    // datagrams queued for one sendmmsg(2) flush at most
// Receive batches read from one socket per wake-up before other sockets get their turn (epoll is
// level-triggered, so what is left is reported again on the next iteration).
constexpr int kBatchesPerWake = 8;

}  // namespace wg::io
