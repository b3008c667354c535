// The floor for the gateway's media forwarding cost (bench/media.ts): only what sending one
// SRTP packet cannot avoid, with nothing of the gateway. Each 1200-byte RTP-like packet is sealed
// with AES-128-GCM as SRTP does (gcmSeal.hpp) and sent with sendmmsg(2) in batches to a loopback
// UDP socket nobody reads (the receiver's cost is not the sender's). One thread; CPU time from
// CLOCK_THREAD_CPUTIME_ID. Modes isolate the parts: "cipher", "send" (sealed once, sent again and
// again), "both" (the floor). "recv" times what the floor leaves out and a forwarder cannot: a
// recvmmsg of each batch, sent to this thread's own socket beforehand (only the recvmmsg calls
// are timed). Prints one JSON line.
// Usage: srtpSendFloor <cipher|send|both|recv> <packets> <bytes> <batch>
#include "clockNs.hpp"
#include "gcmSeal.hpp"
#include "loopbackSocket.hpp"

#include <unistd.h>

#include <string>
#include <vector>

using namespace floorbench;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <cipher|send|both|recv> <packets> <bytes> <batch>\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const size_t packets = std::strtoul(argv[2], nullptr, 10);
  const size_t bytes = std::strtoul(argv[3], nullptr, 10);
  const size_t batch = std::strtoul(argv[4], nullptr, 10);
  const bool receive = mode == "recv";
  const bool cipher = mode == "cipher" || mode == "both";
  const bool send = mode != "cipher";
  if (bytes < kRtpHeader || batch == 0) return 2;

  GcmSealer sealer;
  sockaddr_in sink, source;
  int sinkFd = loopbackSocket(sink);
  int fd = loopbackSocket(source);

  // One slot per packet of a batch, each sent from its own buffer as the gateway's outbox does.
  const size_t slot = bytes + kGcmTag;
  std::vector<uint8_t> slots(batch * slot, 0x5a);
  std::vector<iovec> iov(batch);
  std::vector<mmsghdr> headers(batch);
  for (size_t i = 0; i < batch; ++i) {
    uint8_t* p = &slots[i * slot];
    p[0] = 0x80, p[1] = 96;
    p[8] = 0x12, p[9] = 0x34, p[10] = 0x56, p[11] = 0x78;
    if (!cipher) sealer.seal(p, bytes);
    iov[i] = {p, slot};
    headers[i] = {};
    headers[i].msg_hdr.msg_name = &sink;
    headers[i].msg_hdr.msg_namelen = sizeof sink;
    headers[i].msg_hdr.msg_iov = &iov[i];
    headers[i].msg_hdr.msg_iovlen = 1;
  }

  std::vector<uint8_t> inbox(batch * slot);
  std::vector<iovec> inIov(batch);
  std::vector<mmsghdr> inHeaders(batch);
  for (size_t i = 0; i < batch; ++i) {
    inIov[i] = {&inbox[i * slot], slot};
    inHeaders[i] = {};
    inHeaders[i].msg_hdr.msg_iov = &inIov[i];
    inHeaders[i].msg_hdr.msg_iovlen = 1;
  }

  size_t dropped = 0;
  double receiveNs = 0;
  const double wall0 = nowNs(CLOCK_MONOTONIC), cpu0 = nowNs(CLOCK_THREAD_CPUTIME_ID);
  for (size_t done = 0; done < packets;) {
    size_t n = packets - done < batch ? packets - done : batch;
    if (cipher) {
      for (size_t i = 0; i < n; ++i) {
        uint8_t* p = &slots[i * slot];
        uint16_t seq = static_cast<uint16_t>(done + i);
        p[2] = static_cast<uint8_t>(seq >> 8);
        p[3] = static_cast<uint8_t>(seq);
        sealer.seal(p, bytes);
      }
    }
    if (send) {
      for (size_t offset = 0; offset < n;) {
        int sent = sendmmsg(fd, &headers[offset], static_cast<unsigned>(n - offset), MSG_DONTWAIT);
        if (sent > 0) {
          offset += static_cast<size_t>(sent);
        } else {
          ++dropped;  // a full buffer: drop the first and go on, as the gateway does
          ++offset;
        }
      }
    }
    if (receive) {
      const double t0 = nowNs(CLOCK_THREAD_CPUTIME_ID);
      for (size_t got = 0; got < n;) {
        int r = recvmmsg(sinkFd, inHeaders.data(), static_cast<unsigned>(n - got), MSG_DONTWAIT, nullptr);
        if (r <= 0) break;
        got += static_cast<size_t>(r);
      }
      receiveNs += nowNs(CLOCK_THREAD_CPUTIME_ID) - t0;
    }
    done += n;
  }
  const double wall = nowNs(CLOCK_MONOTONIC) - wall0;
  const double cpu = receive ? receiveNs : nowNs(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  std::printf("{\"mode\":\"%s\",\"packets\":%zu,\"batch\":%zu,\"cpuNsPerPacket\":%.1f,\"packetsPerSecond\":%.0f,\"dropped\":%zu}\n",
              mode.c_str(), packets, batch, cpu / packets, packets / (wall / 1e9), dropped);
  close(fd);
  close(sinkFd);
  return 0;
}
