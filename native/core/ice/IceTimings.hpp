#pragma once

#include <cstdint>

namespace wg::ice {

// ICE's clocks, in microseconds. Defaults follow RFC 8445 section 14 and RFC 7675.
struct IceTimings {
  int64_t paceUs = 25'000;                // Ta: one new check at most this often (RFC 8445 14.2)
  int64_t checkRtoUs = 500'000;           // first retransmission of a check (RFC 8445 14.3)
  int64_t maxCheckRtoUs = 4'000'000;
  int checkRetransmits = 6;               // then the pair fails
  int64_t nominationDelayUs = 300'000;    // controlling: wait this long for a better pair
  int64_t consentIntervalUs = 5'000'000;  // randomised 0.8..1.2 (RFC 7675 section 5.1)
  int64_t consentTimeoutUs = 30'000'000;  // RFC 7675 section 5.1
  int64_t gatherRtoUs = 500'000;
  int gatherRetransmits = 4;
  int64_t connectTimeoutUs = 30'000'000;  // no valid pair this long after the remote's credentials: failed
};

}  // namespace wg::ice
