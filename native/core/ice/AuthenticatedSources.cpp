#include "AuthenticatedSources.hpp"

namespace wg::ice {

bool AuthenticatedSources::listed(const std::vector<Source>& list, int socketIndex, const net::SocketAddress& from) {
  for (const auto& source : list) {
    if (source.is(socketIndex, from)) return true;
  }
  return false;
}

void AuthenticatedSources::addCheckSource(int socketIndex, const net::SocketAddress& from) {
  if (listed(checkSources_, socketIndex, from)) return;
  if (checkSources_.size() < kMaxCheckSources) {
    checkSources_.push_back({socketIndex, from});
    return;
  }
  checkSources_[oldestCheckSource_] = {socketIndex, from};
  oldestCheckSource_ = (oldestCheckSource_ + 1) % kMaxCheckSources;
}

void AuthenticatedSources::updateValidPairs(const IceChecklist& checklist) {
  pairSources_.clear();
  for (const auto& pair : checklist.pairs()) {
    if (!pair.valid) continue;
    int socket = checklist.local(pair).socketIndex;
    const net::SocketAddress& remote = checklist.remote(pair).address;
    // Pairs that differ only in their local candidate (a peer-reflexive one and its base)
    // share the source.
    if (!listed(pairSources_, socket, remote)) pairSources_.push_back({socket, remote});
  }
}

bool AuthenticatedSources::contains(int socketIndex, const net::SocketAddress& from) const {
  return listed(pairSources_, socketIndex, from) || listed(checkSources_, socketIndex, from);
}

}  // namespace wg::ice
