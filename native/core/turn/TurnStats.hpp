#pragma once

#include <cstdint>

namespace wg::turn {

// Counters of one TURN allocation, written and read on the thread that drives the client.
struct TurnStats {
  uint64_t requests = 0;          // transactions started (each authenticated retry is another)
  uint64_t retransmits = 0;
  uint64_t authRetries = 0;       // requests repeated with credentials after a 401
  uint64_t staleNonceRetries = 0; // requests repeated with a new nonce after a 438
  uint64_t refreshes = 0;         // successful Refresh transactions
  uint64_t permissions = 0;       // successful CreatePermission transactions
  uint64_t channelBinds = 0;      // successful ChannelBind transactions
  uint64_t sendIndications = 0;
  uint64_t dataIndications = 0;
  uint64_t channelDataSent = 0;
  uint64_t channelDataReceived = 0;
  uint64_t bytesSent = 0;         // application payload relayed to peers
  uint64_t bytesReceived = 0;     // application payload relayed from peers
  uint64_t errors = 0;            // error responses, other than the 401/438 that are answered
  uint64_t timeouts = 0;          // transactions that got no answer
  uint64_t unauthenticated = 0;   // responses whose MESSAGE-INTEGRITY did not verify
  uint64_t malformed = 0;         // bytes from the server that are neither STUN nor ChannelData we know
  uint64_t sendDropped = 0;       // data for a peer without a permission, too large, or no allocation
  uint64_t peersRefused = 0;      // permissions or channels beyond the table's bound
  uint64_t transactionsRefused = 0;  // requests beyond the transaction table's bound
};

}  // namespace wg::turn
