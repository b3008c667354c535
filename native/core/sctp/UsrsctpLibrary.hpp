#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>

namespace wg::sctp {

class SctpAssociation;

// usrsctp's state is process-global: one usrsctp_init_nothreads for the process (no timer
// thread; usrsctp still starts its "SCTP iterator" thread, one per process, which sleeps), shared by every association of every engine thread, counted by reference and
// finished with the last one. Every usrsctp call is made under lock(): usrsctp is not
// thread-safe without its own threads.
// Its timers advance only through handleTimers(), which a host (an engine's SCTP tick, or an
// association's own timeout) calls with the monotonic time; the elapsed milliseconds are
// counted once for the process, so a timer may fire on any thread: its callbacks only queue
// (SctpAssociation::queuePacket, its deliveries) and the association's owner sends what was
// queued (SctpAssociation::flush).
// The output callback reaches an association through its registered AF_CONN address; a packet
// for one that is gone is dropped (a late timer of a closed socket).
class UsrsctpLibrary {
public:
  static std::mutex& lock();
  static void acquire(SctpAssociation* association);
  static void release(SctpAssociation* association);
  // Takes lock() itself.
  static void handleTimers(int64_t nowUs);
  // Under lock(): whether the association is registered (not yet released).
  static bool live(const void* association);
  // Under lock(): one SCTP packet handed to usrsctp (usrsctp_conninput).
  static void countInput(const uint8_t* packet, size_t size);
  // SCTP packets in and out so far, heartbeats left out, process-wide (takes lock()): a host that
  // sees it unchanged since its last tick knows no association is busy, and may tick less often.
  static uint64_t activity();
};

}  // namespace wg::sctp
