// Stand-ins for N viewers, so a fan-out floor (fanoutFloor.cc) pays the same loopback wake-ups
// as gateway A does sending to gateway B: N UDP sockets on 127.0.0.1, each with a 4 MB receive
// buffer as the gateway asks, read by one thread as gateway B's engine does (level-triggered
// epoll, up to 64 events a wake-up, up to 8 recvmmsg of 32 per socket). Datagrams are counted
// per socket and nothing else is done with them; what is queued at the end is drained first.
// Prints {"ports":[...]} once listening. Ends after `seconds`, on SIGTERM or SIGINT, or when
// stdin (if a pipe) closes, and prints {"total", "perSocketMin", "perSocketMax", "socketDrops"
// (the kernel's receive-buffer drops, SO_MEMINFO), "cpuSeconds"}.
// Usage: udpSinks <count> <seconds>
#include "clockNs.hpp"
#include "loopbackSocket.hpp"

#include <linux/sock_diag.h>
#include <signal.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace floorbench;

namespace {
constexpr size_t kBatch = 32;
constexpr size_t kSlot = 4096;
constexpr int kMaxEvents = 64;
constexpr int kBatchesPerWake = 8;
constexpr uint64_t kStdin = ~uint64_t{0};

volatile sig_atomic_t stopping = 0;
void onSignal(int) { stopping = 1; }
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <count> <seconds>\n", argv[0]);
    return 2;
  }
  const size_t count = std::strtoul(argv[1], nullptr, 10);
  const double seconds = std::strtod(argv[2], nullptr);
  if (count == 0) return 2;

  struct sigaction action {};
  action.sa_handler = onSignal;  // no SA_RESTART: epoll_wait returns EINTR
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  int epoll = epoll_create1(0);
  std::vector<int> fds(count);
  std::vector<uint64_t> counts(count, 0);
  std::string ports;
  for (size_t i = 0; i < count; ++i) {
    sockaddr_in address;
    fds[i] = loopbackSocket(address);
    int size = 4 << 20;
    if (setsockopt(fds[i], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
      setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, fds[i], &ev) != 0) {
      std::perror("epoll_ctl");
      return 1;
    }
    ports += (i ? "," : "") + std::to_string(ntohs(address.sin_port));
  }
  epoll_event stdinEv{};
  stdinEv.events = EPOLLIN;
  stdinEv.data.u64 = kStdin;
  epoll_ctl(epoll, EPOLL_CTL_ADD, STDIN_FILENO, &stdinEv);  // fails for a file: then only time and signals

  std::vector<uint8_t> slots(kBatch * kSlot);
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> headers(kBatch);
  for (size_t i = 0; i < kBatch; ++i) {
    iov[i] = {&slots[i * kSlot], kSlot};
    headers[i] = {};
    headers[i].msg_hdr.msg_iov = &iov[i];
    headers[i].msg_hdr.msg_iovlen = 1;
  }
  std::printf("{\"ports\":[%s]}\n", ports.c_str());
  std::fflush(stdout);

  const double deadline = nowNs(CLOCK_MONOTONIC) + seconds * 1e9;
  epoll_event events[kMaxEvents];
  bool inputClosed = false;
  while (!stopping && !inputClosed) {
    const double left = deadline - nowNs(CLOCK_MONOTONIC);
    if (left <= 0) break;
    int n = epoll_wait(epoll, events, kMaxEvents, static_cast<int>(std::min(left / 1e6 + 1, 1000.0)));
    for (int e = 0; e < n; ++e) {
      const uint64_t which = events[e].data.u64;
      if (which == kStdin) {
        char scratch[256];
        if (read(STDIN_FILENO, scratch, sizeof scratch) <= 0) inputClosed = true;
        continue;
      }
      for (int round = 0; round < kBatchesPerWake; ++round) {
        int got = recvmmsg(fds[which], headers.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (got <= 0) break;
        counts[which] += static_cast<uint64_t>(got);
        if (static_cast<size_t>(got) < kBatch) break;
      }
    }
  }

  // What arrived before the end is counted too, so a stop right after the sender's last send
  // loses nothing.
  for (size_t i = 0; i < count; ++i) {
    for (int round = 0; round < 1000; ++round) {
      int got = recvmmsg(fds[i], headers.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (got <= 0) break;
      counts[i] += static_cast<uint64_t>(got);
    }
  }
  uint64_t total = 0, drops = 0;
  for (size_t i = 0; i < count; ++i) {
    total += counts[i];
    uint32_t meminfo[SK_MEMINFO_VARS] = {};
    socklen_t length = sizeof meminfo;
    if (getsockopt(fds[i], SOL_SOCKET, SO_MEMINFO, meminfo, &length) == 0 && length > SK_MEMINFO_DROPS * sizeof(uint32_t))
      drops += meminfo[SK_MEMINFO_DROPS];
    close(fds[i]);
  }
  const auto [min, max] = std::minmax_element(counts.begin(), counts.end());
  std::printf("{\"total\":%lu,\"perSocketMin\":%lu,\"perSocketMax\":%lu,\"socketDrops\":%lu,\"cpuSeconds\":%.3f}\n",
              static_cast<unsigned long>(total), static_cast<unsigned long>(*min), static_cast<unsigned long>(*max),
              static_cast<unsigned long>(drops), nowNs(CLOCK_PROCESS_CPUTIME_ID) / 1e9);
  std::fflush(stdout);
  close(epoll);
  return 0;
}
