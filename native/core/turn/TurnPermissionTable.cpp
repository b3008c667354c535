#include "TurnPermissionTable.hpp"

#include "ChannelData.hpp"

namespace wg::turn {

TurnPermissionTable::TurnPermissionTable() {
  // Reserved once: adding a peer never reallocates, and kMaxEntries channel numbers fit the range.
  static_assert(kFirstChannel + kMaxEntries - 1 <= kLastChannel);
  permissions_.reserve(kMaxEntries);
  channels_.reserve(kMaxEntries);
}

std::optional<size_t> TurnPermissionTable::findPermission(const net::SocketAddress& peer) const {
  for (size_t i = 0; i < permissions_.size(); ++i) {
    if (permissions_[i].ip.sameIp(peer)) return i;
  }
  return std::nullopt;
}

std::optional<size_t> TurnPermissionTable::ensurePermission(const net::SocketAddress& peer) {
  if (auto found = findPermission(peer)) return found;
  if (permissions_.size() >= kMaxEntries) {
    ++refused_;
    return std::nullopt;
  }
  Permission p;
  p.ip = peer.withPort(0);
  permissions_.push_back(p);
  return permissions_.size() - 1;
}

std::optional<size_t> TurnPermissionTable::findChannel(const net::SocketAddress& peer) const {
  for (size_t i = 0; i < channels_.size(); ++i) {
    if (channels_[i].peer == peer) return i;
  }
  return std::nullopt;
}

std::optional<size_t> TurnPermissionTable::ensureChannel(const net::SocketAddress& peer) {
  if (auto found = findChannel(peer)) return found;
  if (channels_.size() >= kMaxEntries) {
    ++refused_;
    return std::nullopt;
  }
  Channel c;
  c.peer = peer;
  c.number = static_cast<uint16_t>(kFirstChannel + channels_.size());
  channels_.push_back(c);
  return channels_.size() - 1;
}

std::optional<size_t> TurnPermissionTable::channelByNumber(uint16_t number) const {
  if (number < kFirstChannel) return std::nullopt;
  size_t i = number - kFirstChannel;
  return i < channels_.size() ? std::optional<size_t>(i) : std::nullopt;
}

std::optional<uint16_t> TurnPermissionTable::boundChannel(const net::SocketAddress& peer) const {
  if (lastChannel_ < channels_.size() && channels_[lastChannel_].peer == peer) {
    const Channel& c = channels_[lastChannel_];
    return c.state == State::Installed ? std::optional<uint16_t>(c.number) : std::nullopt;
  }
  auto found = findChannel(peer);
  if (!found) return std::nullopt;
  lastChannel_ = *found;
  const Channel& c = channels_[*found];
  return c.state == State::Installed ? std::optional<uint16_t>(c.number) : std::nullopt;
}

bool TurnPermissionTable::permitted(const net::SocketAddress& peer) const {
  auto found = findPermission(peer);
  return found && permissions_[*found].state != State::Failed && permissions_[*found].state != State::Forbidden;
}

std::optional<int64_t> TurnPermissionTable::nextRefreshUs() const {
  std::optional<int64_t> earliest;
  auto consider = [&earliest](const Lease& l) {
    if (l.state == State::Installed && !l.inFlight && (!earliest || l.refreshAtUs < *earliest)) earliest = l.refreshAtUs;
  };
  for (const auto& p : permissions_) consider(p);
  for (const auto& c : channels_) consider(c);
  return earliest;
}

}  // namespace wg::turn
