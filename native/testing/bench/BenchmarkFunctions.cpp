#include "BenchmarkFunctions.hpp"

#include "../../core/srtp/AesCtrCipher.hpp"
#include "../../core/srtp/AesGcmCipher.hpp"
#include "../../core/srtp/HmacSha1.hpp"
#include "../../core/srtp/SrtpSession.hpp"
#include "../../io/DatagramOutbox.hpp"
#include "../../io/UdpSocket.hpp"
#include "../JsExports.hpp"
#include "../../binding/Convert.hpp"
#include "../../binding/NativeError.hpp"

#include <time.h>

#include <chrono>
#include <cstring>
#include <vector>

namespace wg::binding {

namespace {
constexpr size_t kRound = 4096;  // packets prepared (untimed) and then processed (timed) per round
constexpr size_t kHeader = 12;

double threadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

double wallNs() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count());
}

void writeRtp(uint8_t* p, size_t size, uint32_t index) {
  std::memset(p, 0xab, size);
  p[0] = 0x80;
  p[1] = 96;
  p[2] = static_cast<uint8_t>(index >> 8);
  p[3] = static_cast<uint8_t>(index);
  p[4] = p[5] = p[6] = p[7] = 0;
  p[8] = 0x12;
  p[9] = 0x34;
  p[10] = 0x56;
  p[11] = 0x78;
}

struct Options {
  srtp::Profile profile;
  size_t size;
  size_t packets;
};

Options readOptions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throwTypeError(env, "options are required");
  Napi::Object o = info[0].As<Napi::Object>();
  Options options{requireProfile(env, requireString(o, "profile")), static_cast<size_t>(requireNumber(o, "size")),
                  static_cast<size_t>(requireNumber(o, "packets"))};
  if (options.size < 20 || options.size > 1400 || options.packets < kRound)
    throwTypeError(env, "size must be 20..1400 and packets at least 4096");
  return options;
}

Napi::Object result(Napi::Env env, double timedNs, double cpuNs, size_t packets) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("packets", static_cast<double>(packets));
  o.Set("nsPerPacket", timedNs / static_cast<double>(packets));
  o.Set("cpuNsPerPacket", cpuNs / static_cast<double>(packets));
  return o;
}

// `packets` packets in rounds of kRound: prepare(i) each, untimed, then process(i) each, timed
// (wall clock and this thread's CPU time).
template <class Prepare, class Process>
Napi::Object timedRounds(Napi::Env env, size_t packets, Prepare& prepare, Process& process) {
  double timed = 0;
  double cpu = 0;
  for (size_t done = 0; done < packets; done += kRound) {
    for (size_t i = 0; i < kRound; ++i) prepare(i);
    double w0 = wallNs(), c0 = threadCpuNs();
    for (size_t i = 0; i < kRound; ++i) process(i);
    timed += wallNs() - w0;
    cpu += threadCpuNs() - c0;
  }
  return result(env, timed, cpu, packets);
}

// srtp({profile, size, packets, direction: 'protect'|'unprotect'}): our SrtpSession per packet.
Napi::Value srtp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Options o = readOptions(info);
  bool protect = requireString(info[0].As<Napi::Object>(), "direction") == "protect";
  uint8_t key[16] = {1, 2, 3};
  uint8_t salt[14] = {4, 5, 6};
  auto out = srtp::SrtpSession::create(o.profile, key, salt, srtp::SrtpSession::Direction::Outbound);
  auto in = srtp::SrtpSession::create(o.profile, key, salt, srtp::SrtpSession::Direction::Inbound);
  const size_t slot = o.size + 32;
  std::vector<uint8_t> arena(kRound * slot);
  std::vector<size_t> lengths(kRound);
  uint32_t index = 0;
  auto prepare = [&](size_t i) {
    writeRtp(&arena[i * slot], o.size, index++);
    lengths[i] = o.size;
    if (!protect) lengths[i] = out->protectRtp(&arena[i * slot], o.size, slot).length;
  };
  auto process = [&](size_t i) {
    if (protect) out->protectRtp(&arena[i * slot], lengths[i], slot);
    else if (!in->unprotectRtp(&arena[i * slot], lengths[i]).ok()) throwWithCode(env, "ERR_BENCH", "unprotect failed");
  };
  return timedRounds(env, o.packets, prepare, process);
}

// cipherBaseline({profile, size, packets}): the same cipher and MAC through the same OpenSSL
// contexts with no SRTP logic at all: what protection cannot go below.
Napi::Value cipherBaseline(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Options o = readOptions(info);
  uint8_t key[16] = {1, 2, 3};
  uint8_t iv[16] = {7};
  std::vector<uint8_t> arena(kRound * (o.size + 32));
  const size_t slot = o.size + 32;
  srtp::AesGcmCipher gcm;
  srtp::AesCtrCipher ctr;
  srtp::HmacSha1 mac;
  bool isGcm = o.profile == srtp::Profile::AeadAes128Gcm;
  if (isGcm ? !gcm.init(key, true) : (!ctr.init(key) || !mac.init(key, 16)))
    throwWithCode(env, "ERR_CRYPTO", "cipher setup failed");
  auto prepare = [&](size_t i) { writeRtp(&arena[i * slot], o.size, static_cast<uint32_t>(i)); };
  auto process = [&](size_t i) {
    uint8_t* p = &arena[i * slot];
    iv[15] = static_cast<uint8_t>(i);
    if (isGcm) {
      gcm.encrypt(iv, p, kHeader, p + kHeader, o.size - kHeader, p + o.size);
    } else {
      uint8_t tag[20];
      ctr.apply(iv, p + kHeader, o.size - kHeader);
      mac.compute(p, o.size, iv, 4, tag);
    }
  };
  return timedRounds(env, o.packets, prepare, process);
}

// protectSend({profile, size, packets}): protect with SrtpSession and send with sendmmsg (through
// the engine's DatagramOutbox) to a loopback socket nobody reads; one thread, no other logic.
Napi::Value protectSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Options o = readOptions(info);
  int error = 0;
  auto sink = io::UdpSocket::bind(*net::SocketAddress::parse("127.0.0.1", 0), error);
  auto sender = io::UdpSocket::bind(*net::SocketAddress::parse("127.0.0.1", 0), error);
  if (!sink || !sender) throwWithCode(env, errnoCode(error), "cannot bind the benchmark sockets");
  uint8_t key[16] = {1, 2, 3};
  uint8_t salt[14] = {4, 5, 6};
  auto out = srtp::SrtpSession::create(o.profile, key, salt, srtp::SrtpSession::Direction::Outbound);
  io::DatagramOutbox outbox(64, o.size + srtp::kProtectHeadroom);
  std::vector<uint8_t> packet(o.size + srtp::kProtectHeadroom);
  double w0 = wallNs(), c0 = threadCpuNs();
  for (size_t i = 0; i < o.packets; ++i) {
    writeRtp(packet.data(), o.size, static_cast<uint32_t>(i));
    srtp::SrtpResult r = out->protectRtp(packet.data(), o.size, packet.size());
    outbox.send(sender->fd(), sink->localAddress(), packet.data(), r.length);
  }
  outbox.flush();
  double timed = wallNs() - w0;
  double cpu = threadCpuNs() - c0;
  Napi::Object res = result(env, timed, cpu, o.packets);
  res.Set("packetsPerSecond", static_cast<double>(o.packets) / (timed / 1e9));
  res.Set("sent", static_cast<double>(outbox.sent.get()));
  res.Set("sendDropped", static_cast<double>(outbox.dropped.get()));
  res.Set("sendCalls", static_cast<double>(outbox.sendCalls.get()));
  return res;
}
}  // namespace

void addBenchmarkFunctions(Napi::Env env, Napi::Object target) {
  exportFunctions(env, target,
                  {
                      {"srtp", srtp},
                      {"cipherBaseline", cipherBaseline},
                      {"protectSend", protectSend},
                  });
}

}  // namespace wg::binding
