#pragma once

#include <cstddef>
#include <cstdint>

namespace wg::ice {

// RFC 8445 section 6.1.2.6.
enum class PairState : uint8_t { Frozen, Waiting, InProgress, Succeeded, Failed };

const char* pairStateName(PairState state);

struct CandidatePair {
  size_t local = 0;   // index into the checklist's local candidates
  size_t remote = 0;  // index into its remote candidates
  uint64_t priority = 0;
  PairState state = PairState::Frozen;
  bool valid = false;      // in the valid list (RFC 8445 section 7.2.5.3.2)
  bool nominated = false;  // RFC 8445 section 8.1.1
  // Controlled: a USE-CANDIDATE arrived before the pair was valid; nominate on success.
  // Controlling: the check in flight carries USE-CANDIDATE.
  bool nominateOnSuccess = false;
};

// RFC 8445 section 6.1.2.3: G is the controlling agent's candidate priority, D the controlled's.
constexpr uint64_t pairPriority(uint32_t controlling, uint32_t controlled) {
  uint64_t g = controlling;
  uint64_t d = controlled;
  uint64_t lo = g < d ? g : d;
  uint64_t hi = g < d ? d : g;
  return (lo << 32) + 2 * hi + (g > d ? 1 : 0);
}

}  // namespace wg::ice
