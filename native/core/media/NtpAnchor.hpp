#pragma once

#include <cstdint>

namespace wg::media {

// Wall-clock time as a 64-bit NTP timestamp (RFC 5905 section 6: seconds since 1900 in the high
// 32 bits, the fraction in the low 32), derived from the one monotonic clock a sans-IO session
// is given: the host reads both clocks once, and every later NTP time moves with `nowUs`. An SR
// (RFC 3550 section 6.4.1) then pairs NTP and RTP times from the same clock, and a step of the
// system's wall clock cannot make the remote's lip sync jump.
struct NtpAnchor {
  int64_t atUs = 0;
  uint64_t ntp = 0;

  uint64_t at(int64_t nowUs) const {
    // Either side of the anchor: the host may read the loop's time from just before it.
    return nowUs >= atUs ? ntp + span(static_cast<uint64_t>(nowUs - atUs)) : ntp - span(static_cast<uint64_t>(atUs - nowUs));
  }

private:
  static uint64_t span(uint64_t us) { return ((us / 1000000) << 32) + (((us % 1000000) << 32) / 1000000); }
};

}  // namespace wg::media
