// A minimal native forwarder, the floor at a given packet pattern (bench/media.ts): one thread
// blocks in epoll_wait on a loopback UDP socket, reads what arrived with recvmmsg (32 at most, as
// the gateway does), seals ("seal", like gateway A) or opens ("open", like gateway B) each packet
// with AES-128-GCM (gcmSeal.hpp) and sends the batch with sendmmsg to 127.0.0.1:<destPort>, or
// without one to a socket nobody reads. No RTP logic, no SRTP state, no timers, no events. Fed by
// the same source as the gateways, two of them chained (seal -> open) show what the same packet
// pattern costs, and how long it takes, with nothing else.
// Prints {"port"} once listening; ends after `seconds`, or 500 ms without a datagram once some
// came, and prints {"packets", "cpuNsPerPacket", "wakeups"} (CPU: CLOCK_THREAD_CPUTIME_ID).
// Usage: forwardFloor <seal|open> <seconds> [destPort]
#include "clockNs.hpp"
#include "gcmSeal.hpp"
#include "loopbackSocket.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <cstring>
#include <vector>

using namespace floorbench;

namespace {
constexpr size_t kBatch = 32;
constexpr size_t kSlot = 2048;
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s <seal|open> <seconds> [destPort]\n", argv[0]);
    return 2;
  }
  const bool seal = std::strcmp(argv[1], "seal") == 0;
  const double seconds = std::strtod(argv[2], nullptr);

  GcmSealer sealer;
  sockaddr_in in, out, sink;
  int inFd = loopbackSocket(in);
  int outFd = loopbackSocket(out);
  int sinkFd = loopbackSocket(sink);
  if (argc == 4) sink.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[3])));
  int rcvbuf = 4 << 20;
  setsockopt(inFd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  int epoll = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  epoll_ctl(epoll, EPOLL_CTL_ADD, inFd, &ev);

  std::vector<uint8_t> slots(kBatch * kSlot);
  std::vector<iovec> recvIov(kBatch), sendIov(kBatch);
  std::vector<mmsghdr> recvHeaders(kBatch), sendHeaders(kBatch);
  for (size_t i = 0; i < kBatch; ++i) {
    recvIov[i] = {&slots[i * kSlot], kSlot - kGcmTag};
    recvHeaders[i] = {};
    recvHeaders[i].msg_hdr.msg_iov = &recvIov[i];
    recvHeaders[i].msg_hdr.msg_iovlen = 1;
    sendHeaders[i] = {};
    sendHeaders[i].msg_hdr.msg_name = &sink;
    sendHeaders[i].msg_hdr.msg_namelen = sizeof sink;
    sendHeaders[i].msg_hdr.msg_iov = &sendIov[i];
    sendHeaders[i].msg_hdr.msg_iovlen = 1;
  }
  std::printf("{\"port\":%d}\n", ntohs(in.sin_port));
  std::fflush(stdout);

  size_t received = 0, wakeups = 0;
  double cpu0 = 0;
  const double deadline = nowNs(CLOCK_MONOTONIC) + seconds * 1e9;
  int silentPolls = 0;
  while (nowNs(CLOCK_MONOTONIC) < deadline && !(received > 0 && silentPolls >= 5)) {
    epoll_event fired;
    if (epoll_wait(epoll, &fired, 1, 100) <= 0) {
      ++silentPolls;
      continue;
    }
    silentPolls = 0;
    if (received == 0) cpu0 = nowNs(CLOCK_THREAD_CPUTIME_ID);  // from the first datagram on
    ++wakeups;
    for (;;) {
      int n = recvmmsg(inFd, recvHeaders.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) break;
      for (int i = 0; i < n; ++i) {
        uint8_t* p = &slots[i * kSlot];
        size_t size = recvHeaders[i].msg_len;
        if (size >= kRtpHeader) size = seal ? sealer.seal(p, size) : sealer.open(p, size);
        sendIov[i] = {p, size};
      }
      for (int sent = 0; sent < n;) {
        int r = sendmmsg(outFd, &sendHeaders[sent], static_cast<unsigned>(n - sent), MSG_DONTWAIT);
        sent += r > 0 ? r : 1;
      }
      received += static_cast<size_t>(n);
      if (static_cast<size_t>(n) < kBatch) break;
    }
  }
  const double cpu = nowNs(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  std::printf("{\"packets\":%zu,\"cpuNsPerPacket\":%.1f,\"wakeups\":%zu}\n", received, received ? cpu / received : 0, wakeups);
  close(epoll);
  close(inFd);
  close(outFd);
  close(sinkFd);
  return 0;
}
