#pragma once

#include <cstddef>
#include <cstdint>

namespace wg::sctp {

class SctpAssociation;

// usrsctp's state is process-global: one usrsctp_init_nothreads for the process (no threads of
// its own), shared by every association, counted by reference and finished with the last one.
// Its timers advance only through handleTimers(), which any association's timeout calls with the
// monotonic time; the elapsed milliseconds are counted once for the process.
// The output callback reaches an association through its registered AF_CONN address; a packet for
// one that is gone is dropped (a late timer of a closed socket).
class UsrsctpLibrary {
public:
  static void acquire(SctpAssociation* association);
  static void release(SctpAssociation* association);
  static void handleTimers(int64_t nowUs);
};

}  // namespace wg::sctp
