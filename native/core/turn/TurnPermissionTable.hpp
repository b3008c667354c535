#pragma once

#include "../net/SocketAddress.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace wg::turn {

// What an allocation has installed towards its peers: permissions per peer IP (RFC 8656
// section 9, 300 s each) and channels per peer transport address (section 12, 600 s each).
// Both lists are bounded; entries are only appended, so indices stay valid. Channel numbers
// are 0x4000 + the channel's index and are never rebound to another peer.
class TurnPermissionTable {
public:
  static constexpr size_t kMaxEntries = 64;

  // Failed: the request got no answer or an error, and is asked again when data needs it.
  // Forbidden: the server refuses the peer's IP (403, RFC 8656 section 10.2): never asked again.
  enum class State : uint8_t { Requested, Installed, Failed, Forbidden };

  // What a permission and a channel have alike: where the request that installs it stands.
  struct Lease {
    State state = State::Requested;
    bool inFlight = false;  // a CreatePermission (or ChannelBind) for it awaits its answer
    int64_t refreshAtUs = 0;
    // Installed, to be refreshed at `refreshAt`, nothing awaiting an answer.
    void install(int64_t refreshAt) {
      state = State::Installed;
      inFlight = false;
      refreshAtUs = refreshAt;
    }
  };
  struct Permission : Lease {
    net::SocketAddress ip;  // port 0: a permission covers every port of the IP
  };
  struct Channel : Lease {
    net::SocketAddress peer;
    uint16_t number = 0;
  };

  TurnPermissionTable();

  // Finds or adds; nullopt (and counted in refused()) when the table is full.
  std::optional<size_t> ensurePermission(const net::SocketAddress& peer);
  std::optional<size_t> ensureChannel(const net::SocketAddress& peer);
  std::optional<size_t> findPermission(const net::SocketAddress& peer) const;
  std::optional<size_t> findChannel(const net::SocketAddress& peer) const;
  std::optional<size_t> channelByNumber(uint16_t number) const;

  // The hot path: the bound channel to a peer, or nullopt. The last hit is checked first, so a
  // connection that sends to one peer compares one address per packet.
  std::optional<uint16_t> boundChannel(const net::SocketAddress& peer) const;
  // Whether data to this peer's IP can pass the server now (installed, or being refreshed).
  bool permitted(const net::SocketAddress& peer) const;

  Permission& permission(size_t i) { return permissions_[i]; }
  Channel& channel(size_t i) { return channels_[i]; }
  const std::vector<Permission>& permissions() const { return permissions_; }
  const std::vector<Channel>& channels() const { return channels_; }
  uint64_t refused() const { return refused_; }

  // The earliest refresh due among installed entries with nothing in flight.
  std::optional<int64_t> nextRefreshUs() const;

private:
  std::vector<Permission> permissions_;
  std::vector<Channel> channels_;
  mutable size_t lastChannel_ = 0;
  uint64_t refused_ = 0;
};

}  // namespace wg::turn
