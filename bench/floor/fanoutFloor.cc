// The floor for fan-out (bench/fanout.ts): the least a program must do to send one stream to N
// viewers, with nothing of the gateway. One thread blocks in epoll_wait on a loopback UDP socket
// and reads what arrived with recvmmsg (32 at most, as the gateway does); for each packet it makes
// N copies, gives each its viewer's SSRC and sequence number (a per-viewer rewrite), seals each
// with AES-128-GCM as SRTP does (gcmSeal.hpp), each viewer with its own cipher context as each
// DTLS-SRTP connection has its own keys (N contexts do not all stay in cache as one would), and sends
// them with sendmmsg, 256 at a time (the gateway's outbox), MSG_DONTWAIT, from one socket. A send
// that fails drops its first datagram and goes on, as the gateway does. The destinations are
// read (they should be read by someone, e.g. udpSinks.cc, so the sender pays the receivers'
// wake-ups as gateway A does). No RTP state, no timers, no events.
// Reads its destinations from stdin, one "a.b.c.d:port" a line, until EOF; then prints {"port"}
// once listening. Ends after `seconds`, or 500 ms after the last datagram once some came, and
// prints one JSON line: packetsIn, packetsOut, dropped, sendErrors (failures other than
// EAGAIN/ENOBUFS, also dropped), sendCalls, activeSeconds (first to last input datagram) and
// cpuNsPerPacketOut: CLOCK_PROCESS_CPUTIME_ID (user + sys) from the first input datagram to the
// end, over packetsOut (the 500 ms tail is a few idle epoll_waits).
// Usage: fanoutFloor <seconds> < destinations
#include "clockNs.hpp"
#include "gcmSeal.hpp"
#include "loopbackSocket.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

using namespace floorbench;

namespace {
constexpr size_t kRecvBatch = 32;
constexpr size_t kSendBatch = 256;
constexpr size_t kSlot = 2048;
constexpr double kQuietNs = 500e6;

struct Viewer {
  sockaddr_in address;
  uint32_t ssrc;
  uint16_t sequenceOffset;
};
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <seconds> < destinations (a.b.c.d:port a line)\n", argv[0]);
    return 2;
  }
  const double seconds = std::strtod(argv[1], nullptr);

  std::vector<Viewer> viewers;
  for (std::string line; std::getline(std::cin, line);) {
    if (line.empty()) continue;
    size_t colon = line.rfind(':');
    Viewer v{};
    v.address.sin_family = AF_INET;
    if (colon == std::string::npos || inet_pton(AF_INET, line.substr(0, colon).c_str(), &v.address.sin_addr) != 1) {
      std::fprintf(stderr, "bad destination: %s\n", line.c_str());
      return 2;
    }
    v.address.sin_port = htons(static_cast<uint16_t>(std::atoi(line.c_str() + colon + 1)));
    // Distinct per viewer, as each viewer's stream has its own SSRC and sequence numbers.
    v.ssrc = 0x10000000u + static_cast<uint32_t>(viewers.size()) * 7919u;
    v.sequenceOffset = static_cast<uint16_t>(viewers.size() * 131u);
    viewers.push_back(v);
  }
  if (viewers.empty()) {
    std::fprintf(stderr, "no destinations on stdin\n");
    return 2;
  }

  std::vector<std::unique_ptr<GcmSealer>> sealers;
  for (size_t i = 0; i < viewers.size(); ++i) sealers.push_back(std::make_unique<GcmSealer>());
  sockaddr_in in, out;
  int inFd = loopbackSocket(in);
  int outFd = loopbackSocket(out);
  int size = 4 << 20;  // as the gateway's sockets ask
  setsockopt(inFd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(outFd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  int epoll = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  epoll_ctl(epoll, EPOLL_CTL_ADD, inFd, &ev);

  std::vector<uint8_t> inbox(kRecvBatch * kSlot);
  std::vector<iovec> recvIov(kRecvBatch);
  std::vector<mmsghdr> recvHeaders(kRecvBatch);
  for (size_t i = 0; i < kRecvBatch; ++i) {
    recvIov[i] = {&inbox[i * kSlot], kSlot - kGcmTag};
    recvHeaders[i] = {};
    recvHeaders[i].msg_hdr.msg_iov = &recvIov[i];
    recvHeaders[i].msg_hdr.msg_iovlen = 1;
  }
  // Each copy in its own slot, as the gateway's outbox holds each datagram until the flush.
  std::vector<uint8_t> outbox(kSendBatch * kSlot);
  std::vector<iovec> sendIov(kSendBatch);
  std::vector<mmsghdr> sendHeaders(kSendBatch);
  for (size_t i = 0; i < kSendBatch; ++i) {
    sendHeaders[i] = {};
    sendHeaders[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    sendHeaders[i].msg_hdr.msg_iov = &sendIov[i];
    sendHeaders[i].msg_hdr.msg_iovlen = 1;
  }
  std::printf("{\"port\":%d}\n", ntohs(in.sin_port));
  std::fflush(stdout);

  size_t packetsIn = 0, packetsOut = 0, dropped = 0, sendErrors = 0, sendCalls = 0, queued = 0;
  auto flush = [&] {
    for (size_t offset = 0; offset < queued;) {
      int r = sendmmsg(outFd, &sendHeaders[offset], static_cast<unsigned>(queued - offset), MSG_DONTWAIT);
      ++sendCalls;
      if (r > 0) {
        offset += static_cast<size_t>(r);
        packetsOut += static_cast<size_t>(r);
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && errno != EAGAIN && errno != ENOBUFS) ++sendErrors;
      ++dropped;  // the first unsent one; the rest are tried again
      ++offset;
    }
    queued = 0;
  };

  double cpu0 = 0, firstNs = 0, lastNs = 0;
  const double deadline = nowNs(CLOCK_MONOTONIC) + seconds * 1e9;
  for (;;) {
    const double now = nowNs(CLOCK_MONOTONIC);
    if (now >= deadline || (packetsIn > 0 && now - lastNs >= kQuietNs)) break;
    epoll_event fired;
    if (epoll_wait(epoll, &fired, 1, 100) <= 0) continue;
    if (packetsIn == 0) {
      cpu0 = nowNs(CLOCK_PROCESS_CPUTIME_ID);  // from the first datagram on
      firstNs = nowNs(CLOCK_MONOTONIC);
    }
    for (int round = 0; round < 8; ++round) {  // a few batches per wake-up, as the gateway
      int n = recvmmsg(inFd, recvHeaders.data(), kRecvBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) break;
      for (int i = 0; i < n; ++i) {
        const uint8_t* packet = &inbox[i * kSlot];
        const size_t length = recvHeaders[i].msg_len;
        if (length < kRtpHeader) continue;
        const uint16_t sequence = static_cast<uint16_t>(packet[2] << 8 | packet[3]);
        for (size_t k = 0; k < viewers.size(); ++k) {
          const Viewer& v = viewers[k];
          if (queued == kSendBatch) flush();
          uint8_t* copy = &outbox[queued * kSlot];
          std::memcpy(copy, packet, length);
          const uint16_t s = static_cast<uint16_t>(sequence + v.sequenceOffset);
          copy[2] = static_cast<uint8_t>(s >> 8);
          copy[3] = static_cast<uint8_t>(s);
          copy[8] = static_cast<uint8_t>(v.ssrc >> 24);
          copy[9] = static_cast<uint8_t>(v.ssrc >> 16);
          copy[10] = static_cast<uint8_t>(v.ssrc >> 8);
          copy[11] = static_cast<uint8_t>(v.ssrc);
          sendIov[queued] = {copy, sealers[k]->seal(copy, length)};
          sendHeaders[queued].msg_hdr.msg_name = const_cast<sockaddr_in*>(&v.address);
          ++queued;
        }
      }
      packetsIn += static_cast<size_t>(n);
      if (static_cast<size_t>(n) < kRecvBatch) break;
    }
    flush();
    lastNs = nowNs(CLOCK_MONOTONIC);
  }
  const double cpu = packetsIn ? nowNs(CLOCK_PROCESS_CPUTIME_ID) - cpu0 : 0;
  std::printf(
      "{\"packetsIn\":%zu,\"packetsOut\":%zu,\"dropped\":%zu,\"sendErrors\":%zu,\"sendCalls\":%zu,"
      "\"activeSeconds\":%.3f,\"cpuNsPerPacketOut\":%.1f}\n",
      packetsIn, packetsOut, dropped, sendErrors, sendCalls, (lastNs - firstNs) / 1e9,
      packetsOut ? cpu / packetsOut : 0);
  close(epoll);
  close(inFd);
  close(outFd);
  return 0;
}
