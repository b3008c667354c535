#include "UsrsctpLibrary.hpp"

#include "SctpAssociation.hpp"

#include <usrsctp.h>

#include <mutex>
#include <unordered_set>

namespace wg::sctp {

namespace {
std::mutex mutex;
std::unordered_set<SctpAssociation*> live;
size_t references = 0;
int64_t lastTimersUs = -1;

int onOutput(void* address, void* buffer, size_t length, uint8_t, uint8_t) {
  auto* association = static_cast<SctpAssociation*>(address);
  {
    std::lock_guard lock(mutex);
    if (live.count(association) == 0) return 0;
  }
  association->onSctpPacket(static_cast<const uint8_t*>(buffer), length);
  return 0;
}
}  // namespace

void UsrsctpLibrary::acquire(SctpAssociation* association) {
  std::lock_guard lock(mutex);
  if (references++ == 0) {
    // No UDP encapsulation port, no threads: packets leave through onOutput, timers through handleTimers.
    usrsctp_init_nothreads(0, onOutput, nullptr);
    usrsctp_sysctl_set_sctp_ecn_enable(0);
    lastTimersUs = -1;
  }
  live.insert(association);
  usrsctp_register_address(association);
}

void UsrsctpLibrary::release(SctpAssociation* association) {
  std::unique_lock lock(mutex);
  usrsctp_deregister_address(association);
  live.erase(association);
  if (--references == 0) {
    // usrsctp_finish fails while a closed socket still lingers; it is then left initialised
    // (and reused by the next acquire, which re-initialises nothing).
    if (usrsctp_finish() != 0) ++references;
  }
}

void UsrsctpLibrary::handleTimers(int64_t nowUs) {
  uint32_t elapsedMs = 0;
  {
    std::lock_guard lock(mutex);
    if (lastTimersUs < 0) lastTimersUs = nowUs;
    if (nowUs - lastTimersUs < 1000) return;
    elapsedMs = static_cast<uint32_t>((nowUs - lastTimersUs) / 1000);
    lastTimersUs += int64_t{elapsedMs} * 1000;
  }
  usrsctp_handle_timers(elapsedMs);
}

}  // namespace wg::sctp
