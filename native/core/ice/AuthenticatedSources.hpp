#pragma once

#include "../net/SocketAddress.hpp"
#include "IceChecklist.hpp"

#include <cstddef>
#include <vector>

namespace wg::ice {

// The sources application data (DTLS, SRTP) is accepted from (RFC 8445 section 11, RFC 7983):
// the remote ends of valid pairs, and addresses that sent us an authenticated check (media may
// follow a check before its pair is valid). Kept as two short lists that change only when a
// check arrives or a pair becomes valid, so a packet costs a scan of a few entries instead of
// a walk over every pair and its candidates.
class AuthenticatedSources {
public:
  static constexpr size_t kMaxCheckSources = 32;

  // A source whose check passed integrity; the oldest such source gives way when full (a
  // peer whose NAT keeps rebinding stays reachable at its newest address).
  void addCheckSource(int socketIndex, const net::SocketAddress& from);
  // Takes the remote ends of the checklist's valid pairs again.
  void updateValidPairs(const IceChecklist& checklist);
  bool contains(int socketIndex, const net::SocketAddress& from) const;

private:
  struct Source {
    int socketIndex;
    net::SocketAddress address;
    bool is(int socket, const net::SocketAddress& from) const { return socket == socketIndex && from == address; }
  };
  static bool listed(const std::vector<Source>& list, int socketIndex, const net::SocketAddress& from);

  std::vector<Source> pairSources_;   // at most IceChecklist::kMaxPairs
  std::vector<Source> checkSources_;  // at most kMaxCheckSources, a ring once full
  size_t oldestCheckSource_ = 0;
};

}  // namespace wg::ice
