// netemQueue: a small stand-in for `tc qdisc ... netem loss P delay D` on kernels built without
// sch_netem. iptables sends packets to an NFQUEUE; this program binds that queue over netlink and
// gives each packet a verdict: NF_DROP with probability --loss, otherwise NF_ACCEPT after --delay-ms.
//
//   netemQueue --queue N [--loss 0.05] [--delay-ms 50] [--seed 1] [--max-pending 4096] [--watch-stdin]
//
// stdout: "ready" once the queue is bound; a JSON line of counters on SIGUSR1 and at exit.
// Exits 0 on SIGTERM/SIGINT (and on stdin EOF with --watch-stdin, so a dead parent leaves no orphan),
// accepting every packet still held first.
//
// Kernel UAPI used (no libnetfilter_queue):
//   linux/netlink.h                   nlmsghdr, nlmsgerr, nlattr, NETLINK_NETFILTER sockets
//   linux/netfilter/nfnetlink.h       nfgenmsg, NFNL_SUBSYS_QUEUE, NFNETLINK_V0
//   linux/netfilter/nfnetlink_queue.h NFQNL_MSG_CONFIG (NFQA_CFG_CMD bind, NFQA_CFG_PARAMS copy mode,
//                                     NFQA_CFG_QUEUE_MAXLEN, NFQA_CFG_FLAGS), NFQNL_MSG_PACKET
//                                     (NFQA_PACKET_HDR), NFQNL_MSG_VERDICT and NFQNL_MSG_VERDICT_BATCH
//                                     (NFQA_VERDICT_HDR)
//   linux/netfilter.h                 NF_DROP, NF_ACCEPT
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>

namespace {

struct Options {
  uint16_t queue = 0;
  bool haveQueue = false;
  double loss = 0;
  int64_t delayNs = 0;
  uint64_t seed = 0;
  bool haveSeed = false;
  size_t maxPending = 4096;
  bool watchStdin = false;
};

struct Counters {
  uint64_t seen = 0;      // packet messages read from the queue
  uint64_t dropped = 0;   // NF_DROP verdicts
  uint64_t accepted = 0;  // NF_ACCEPT verdicts (delayed, overflow and at exit)
  uint64_t overflow = 0;  // accepted at once because the pending queue was full
  uint64_t overruns = 0;  // ENOBUFS: the socket lost packet messages (flushed by the next batch verdict)
};

struct Pending {
  uint32_t id;
  int64_t due;  // CLOCK_MONOTONIC ns
};

[[noreturn]] void fail(const char* what) {
  fprintf(stderr, "netemQueue: %s: %s\n", what, strerror(errno));
  exit(2);
}

[[noreturn]] void usage(const char* msg) {
  fprintf(stderr, "netemQueue: %s\nusage: netemQueue --queue N [--loss P] [--delay-ms D] [--seed S] [--max-pending M] [--watch-stdin]\n", msg);
  exit(64);
}

Options parseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--watch-stdin") {
      o.watchStdin = true;
      continue;
    }
    if (i + 1 >= argc) usage(("missing value for " + a).c_str());
    const char* v = argv[++i];
    char* end = nullptr;
    errno = 0;
    if (a == "--queue") {
      unsigned long q = strtoul(v, &end, 10);
      if (*end || errno || q > 65535) usage("--queue must be 0..65535");
      o.queue = static_cast<uint16_t>(q);
      o.haveQueue = true;
    } else if (a == "--loss") {
      o.loss = strtod(v, &end);
      if (*end || errno || !(o.loss >= 0 && o.loss <= 1)) usage("--loss must be a probability 0..1");
    } else if (a == "--delay-ms") {
      double ms = strtod(v, &end);
      if (*end || errno || !(ms >= 0 && ms <= 60000)) usage("--delay-ms must be 0..60000");
      o.delayNs = static_cast<int64_t>(ms * 1e6);
    } else if (a == "--seed") {
      o.seed = strtoull(v, &end, 10);
      if (*end || errno) usage("--seed must be an unsigned integer");
      o.haveSeed = true;
    } else if (a == "--max-pending") {
      unsigned long m = strtoul(v, &end, 10);
      if (*end || errno || m < 1 || m > 1000000) usage("--max-pending must be 1..1000000");
      o.maxPending = m;
    } else {
      usage(("unknown flag " + a).c_str());
    }
  }
  if (!o.haveQueue) usage("--queue is required");
  return o;
}

// splitmix64: tiny, seedable, good enough for Bernoulli loss; the same seed gives the same
// drop pattern for the same packet order.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

int64_t nowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// One nfnetlink message under construction: nlmsghdr + nfgenmsg + attributes.
class Msg {
 public:
  Msg(uint8_t type, uint16_t flags, uint16_t queue) {
    memset(buf_, 0, sizeof buf_);
    auto* nlh = hdr();
    nlh->nlmsg_len = NLMSG_LENGTH(sizeof(nfgenmsg));
    nlh->nlmsg_type = static_cast<uint16_t>((NFNL_SUBSYS_QUEUE << 8) | type);
    nlh->nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | flags);
    auto* nfg = static_cast<nfgenmsg*>(NLMSG_DATA(nlh));
    nfg->nfgen_family = AF_UNSPEC;
    nfg->version = NFNETLINK_V0;
    nfg->res_id = htons(queue);
  }
  void attr(uint16_t type, const void* data, size_t len) {
    auto* nlh = hdr();
    size_t at = NLMSG_ALIGN(nlh->nlmsg_len);
    auto* nla = reinterpret_cast<nlattr*>(buf_ + at);
    nla->nla_type = type;
    nla->nla_len = static_cast<uint16_t>(NLA_HDRLEN + len);
    memcpy(buf_ + at + NLA_HDRLEN, data, len);
    nlh->nlmsg_len = static_cast<uint32_t>(at + NLA_ALIGN(nla->nla_len));
  }
  nlmsghdr* hdr() { return reinterpret_cast<nlmsghdr*>(buf_); }
  void setSeq(uint32_t seq) { hdr()->nlmsg_seq = seq; }

 private:
  alignas(nlmsghdr) char buf_[128];
};

class Queue {
 public:
  explicit Queue(const Options& o) : o_(o) {
    fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_NETFILTER);
    if (fd_ < 0) fail("socket(AF_NETLINK, NETLINK_NETFILTER)");
    // Room for bursts: each queued packet is one small message (COPY_META). As mapped root the
    // FORCE variant is refused (it checks the initial namespace), so fall back to the capped one.
    int size = 8 << 20;
    if (setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0) fail("bind(netlink)");
  }
  ~Queue() { close(fd_); }
  int fd() const { return fd_; }

  // NFQNL_CFG_CMD_BIND, then copy mode META (no payload: verdicts only need the id), a kernel queue
  // longer than our own cap, and FAIL_OPEN so a full kernel queue accepts rather than drops.
  void bindQueue() {
    nfqnl_msg_config_cmd cmd{};
    cmd.command = NFQNL_CFG_CMD_BIND;
    configure(NFQA_CFG_CMD, &cmd, sizeof cmd, "bind queue");
    nfqnl_msg_config_params params{};
    params.copy_range = htonl(0);
    params.copy_mode = NFQNL_COPY_META;
    configure(NFQA_CFG_PARAMS, &params, sizeof params, "set copy mode");
    uint32_t maxlen = htonl(static_cast<uint32_t>(o_.maxPending + 1024));
    configure(NFQA_CFG_QUEUE_MAXLEN, &maxlen, sizeof maxlen, "set queue length");
    Msg m(NFQNL_MSG_CONFIG, NLM_F_ACK, o_.queue);
    uint32_t flags = htonl(NFQA_CFG_F_FAIL_OPEN);
    m.attr(NFQA_CFG_MASK, &flags, sizeof flags);
    m.attr(NFQA_CFG_FLAGS, &flags, sizeof flags);
    m.setSeq(++seq_);
    send(m);
    waitAck("set fail-open");
  }

  // NFQNL_MSG_VERDICT for one id; NFQNL_MSG_VERDICT_BATCH for every queued id <= id.
  void verdict(uint32_t id, uint32_t v, bool batch) {
    Msg m(batch ? NFQNL_MSG_VERDICT_BATCH : NFQNL_MSG_VERDICT, 0, o_.queue);
    nfqnl_msg_verdict_hdr vh{};
    vh.verdict = htonl(v);
    vh.id = htonl(id);
    m.attr(NFQA_VERDICT_HDR, &vh, sizeof vh);
    send(m);
  }

  // Reads up to `maxMessages` datagrams; calls onPacket(id) for each queued packet.
  template <typename F>
  void read(int maxMessages, Counters& c, F onPacket) {
    for (int i = 0; i < maxMessages; i++) {
      ssize_t n = recv(fd_, rbuf_, sizeof rbuf_, 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        if (errno == ENOBUFS) {
          c.overruns++;
          continue;
        }
        fail("recv(netlink)");
      }
      for (auto* nlh = reinterpret_cast<nlmsghdr*>(rbuf_); NLMSG_OK(nlh, static_cast<uint32_t>(n)); nlh = NLMSG_NEXT(nlh, n)) {
        if (nlh->nlmsg_type == NLMSG_ERROR) {
          auto* err = static_cast<nlmsgerr*>(NLMSG_DATA(nlh));
          if (err->error) fprintf(stderr, "netemQueue: netlink error %s\n", strerror(-err->error));
          continue;
        }
        if (nlh->nlmsg_type != ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET)) continue;
        uint32_t id;
        if (packetId(nlh, &id)) onPacket(id);
      }
    }
  }

 private:
  void configure(uint16_t type, const void* data, size_t len, const char* what) {
    Msg m(NFQNL_MSG_CONFIG, NLM_F_ACK, o_.queue);
    m.attr(type, data, len);
    m.setSeq(++seq_);
    send(m);
    waitAck(what);
  }

  void send(Msg& m) {
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    // The socket is non-blocking; a full kernel-side buffer is rare for tiny verdicts, so retry briefly.
    for (int tries = 0; tries < 1000; tries++) {
      if (sendto(fd_, m.hdr(), m.hdr()->nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) >= 0) return;
      if (errno != EAGAIN && errno != EINTR && errno != ENOBUFS) fail("sendto(netlink)");
      usleep(100);
    }
    fail("sendto(netlink) kept failing");
  }

  // The ACK (an NLMSG_ERROR with error 0) for the last request, within 2 s.
  void waitAck(const char* what) {
    int64_t deadline = nowNs() + 2000000000LL;
    while (nowNs() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      ssize_t n = recv(fd_, rbuf_, sizeof rbuf_, 0);
      if (n < 0) continue;
      for (auto* nlh = reinterpret_cast<nlmsghdr*>(rbuf_); NLMSG_OK(nlh, static_cast<uint32_t>(n)); nlh = NLMSG_NEXT(nlh, n)) {
        if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq != seq_) continue;
        auto* err = static_cast<nlmsgerr*>(NLMSG_DATA(nlh));
        if (err->error == 0) return;
        errno = -err->error;
        fail(what);
      }
    }
    errno = ETIMEDOUT;
    fail(what);
  }

  static bool packetId(nlmsghdr* nlh, uint32_t* id) {
    auto* attr = reinterpret_cast<nlattr*>(static_cast<char*>(NLMSG_DATA(nlh)) + NLMSG_ALIGN(sizeof(nfgenmsg)));
    int left = static_cast<int>(nlh->nlmsg_len) - NLMSG_LENGTH(sizeof(nfgenmsg));
    while (left >= static_cast<int>(NLA_HDRLEN) && attr->nla_len >= NLA_HDRLEN && attr->nla_len <= left) {
      if ((attr->nla_type & NLA_TYPE_MASK) == NFQA_PACKET_HDR && attr->nla_len >= NLA_HDRLEN + sizeof(nfqnl_msg_packet_hdr)) {
        nfqnl_msg_packet_hdr ph;
        memcpy(&ph, reinterpret_cast<char*>(attr) + NLA_HDRLEN, sizeof ph);
        *id = ntohl(ph.packet_id);
        return true;
      }
      left -= NLA_ALIGN(attr->nla_len);
      attr = reinterpret_cast<nlattr*>(reinterpret_cast<char*>(attr) + NLA_ALIGN(attr->nla_len));
    }
    return false;
  }

  const Options& o_;
  int fd_ = -1;
  uint32_t seq_ = 0;
  alignas(nlmsghdr) char rbuf_[1 << 16];
};

void printCounters(const Counters& c) {
  printf("{\"seen\":%llu,\"dropped\":%llu,\"accepted\":%llu,\"overflow\":%llu,\"overruns\":%llu}\n", static_cast<unsigned long long>(c.seen),
         static_cast<unsigned long long>(c.dropped), static_cast<unsigned long long>(c.accepted), static_cast<unsigned long long>(c.overflow),
         static_cast<unsigned long long>(c.overruns));
  fflush(stdout);
}

void armTimer(int tfd, const std::deque<Pending>& pending) {
  itimerspec its{};  // all zero disarms
  if (!pending.empty()) {
    int64_t due = pending.front().due;
    its.it_value.tv_sec = due / 1000000000LL;
    its.it_value.tv_nsec = due % 1000000000LL;
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
  }
  if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, nullptr) < 0) fail("timerfd_settime");
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parseArgs(argc, argv);
  Rng rng{o.haveSeed ? o.seed : static_cast<uint64_t>(nowNs()) ^ (static_cast<uint64_t>(getpid()) << 32)};

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGUSR1);
  sigaddset(&mask, SIGPIPE);
  if (sigprocmask(SIG_BLOCK, &mask, nullptr) < 0) fail("sigprocmask");
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) fail("signalfd");
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (tfd < 0) fail("timerfd_create");

  Queue q(o);
  q.bindQueue();
  printf("ready\n");
  fflush(stdout);

  Counters c;
  // Time-ordered: every packet gets the same delay, so arrival order is release order.
  std::deque<Pending> pending;
  uint32_t lastId = 0;
  bool any = false;
  bool running = true;
  while (running) {
    pollfd fds[4] = {{q.fd(), POLLIN, 0}, {tfd, POLLIN, 0}, {sfd, POLLIN, 0}, {o.watchStdin ? 0 : -1, POLLIN, 0}};
    if (poll(fds, 4, 1000) < 0) {
      if (errno == EINTR) continue;
      fail("poll");
    }
    if (fds[0].revents & POLLIN) {
      // At most 64 datagrams per round, so due releases and signals are never starved.
      q.read(64, c, [&](uint32_t id) {
        c.seen++;
        lastId = id;
        any = true;
        if (o.loss > 0 && rng.uniform() < o.loss) {
          c.dropped++;
          q.verdict(id, NF_DROP, false);
        } else if (o.delayNs == 0) {
          c.accepted++;
          q.verdict(id, NF_ACCEPT, false);
        } else if (pending.size() >= o.maxPending) {
          c.accepted++;
          c.overflow++;
          q.verdict(id, NF_ACCEPT, false);
        } else {
          pending.push_back({id, nowNs() + o.delayNs});
        }
      });
    }
    // Release what is due. A batch verdict also accepts any earlier id whose message an overrun
    // lost; every earlier id we hold was released before it (FIFO), so nothing leaves early.
    int64_t now = nowNs();
    uint32_t releaseUpTo = 0;
    bool release = false;
    while (!pending.empty() && pending.front().due <= now) {
      releaseUpTo = pending.front().id;
      release = true;
      c.accepted++;
      pending.pop_front();
    }
    if (release) q.verdict(releaseUpTo, NF_ACCEPT, true);
    if (fds[1].revents & POLLIN) {
      uint64_t expirations;
      (void)!::read(tfd, &expirations, sizeof expirations);
    }
    armTimer(tfd, pending);
    if (fds[2].revents & POLLIN) {
      signalfd_siginfo si;
      for (int i = 0; i < 16 && ::read(sfd, &si, sizeof si) == sizeof si; i++) {
        if (si.ssi_signo == SIGUSR1) printCounters(c);
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) running = false;
      }
    }
    if (fds[3].revents & (POLLIN | POLLHUP | POLLERR)) {
      char b[256];
      ssize_t n = ::read(0, b, sizeof b);
      if (n <= 0) running = false;
    }
  }

  // Never leave packets stuck: accept what we hold and what is still unread, a few rounds until
  // the socket is quiet (the rules are normally gone by now), then one batch verdict covering
  // every id seen. Closing the socket unbinds the queue; --queue-bypass lets later packets through.
  for (int round = 0; round < 20; round++) {
    uint64_t before = c.seen;
    q.read(256, c, [&](uint32_t id) {
      c.seen++;
      c.accepted++;
      lastId = id;
      any = true;
    });
    if (round > 0 && c.seen == before) break;
    usleep(2000);
  }
  c.accepted += pending.size();
  pending.clear();
  if (any) q.verdict(lastId, NF_ACCEPT, true);
  printCounters(c);
  return 0;
}
