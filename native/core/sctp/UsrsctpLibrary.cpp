#include "UsrsctpLibrary.hpp"

#include "SctpAssociation.hpp"

#include <usrsctp.h>

#include <unordered_set>

namespace wg::sctp {

namespace {
std::unordered_set<const void*> registered;
size_t references = 0;
int64_t lastTimersUs = -1;
uint64_t packetsSeen = 0;  // under lock(): packets in and out, for activity()

// RFC 4960 section 3.3.5/3.3.6: HEARTBEAT (4) and HEARTBEAT ACK (5), first chunk after the 12-byte
// common header. An idle association still exchanges these (every 30 s): they are not activity.
bool isHeartbeat(const uint8_t* packet, size_t size) { return size > 12 && (packet[12] == 4 || packet[12] == 5); }

// Runs inside a usrsctp call, so under lock(), on whichever thread made it.
int onOutput(void* address, void* buffer, size_t length, uint8_t, uint8_t) {
  if (!isHeartbeat(static_cast<const uint8_t*>(buffer), length)) ++packetsSeen;
  if (registered.count(address) == 0) return 0;
  static_cast<SctpAssociation*>(address)->queuePacket(static_cast<const uint8_t*>(buffer), length);
  return 0;
}
}  // namespace

std::mutex& UsrsctpLibrary::lock() {
  static std::mutex mutex;
  return mutex;
}

bool UsrsctpLibrary::live(const void* association) { return registered.count(association) != 0; }

void UsrsctpLibrary::acquire(SctpAssociation* association) {
  std::lock_guard guard(lock());
  if (references++ == 0) {
    // No UDP encapsulation port, no threads: packets leave through onOutput, timers through handleTimers.
    usrsctp_init_nothreads(0, onOutput, nullptr);
    usrsctp_sysctl_set_sctp_ecn_enable(0);
    lastTimersUs = -1;
  }
  registered.insert(association);
  usrsctp_register_address(association);
}

void UsrsctpLibrary::release(SctpAssociation* association) {
  std::lock_guard guard(lock());
  usrsctp_deregister_address(association);
  registered.erase(association);
  if (--references == 0) {
    // usrsctp_finish fails while a closed socket still lingers; it is then left initialised
    // (and reused by the next acquire, which re-initialises nothing).
    if (usrsctp_finish() != 0) ++references;
  }
}

void UsrsctpLibrary::countInput(const uint8_t* packet, size_t size) {
  if (!isHeartbeat(packet, size)) ++packetsSeen;
}

uint64_t UsrsctpLibrary::activity() {
  std::lock_guard guard(lock());
  return packetsSeen;
}

void UsrsctpLibrary::handleTimers(int64_t nowUs) {
  std::lock_guard guard(lock());
  if (lastTimersUs < 0) lastTimersUs = nowUs;
  if (nowUs - lastTimersUs < 1000) return;
  auto elapsedMs = static_cast<uint32_t>((nowUs - lastTimersUs) / 1000);
  lastTimersUs += int64_t{elapsedMs} * 1000;
  usrsctp_handle_timers(elapsedMs);
}

}  // namespace wg::sctp
