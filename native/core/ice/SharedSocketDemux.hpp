#pragma once

#include "../net/SocketAddress.hpp"
#include "../stun/StunConstants.hpp"

#include <array>
#include <cstddef>
#include <functional>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace wg::ice {

// Which ICE agent a datagram is for when many agents share one UDP socket (one host candidate
// for every connection). No packet carries a connection id, so (RFC 8445 section 7.2.2,
// RFC 7983):
//  - a Binding request names its receiver: USERNAME is "<our ufrag>:<their ufrag>";
//  - a STUN response answers a request one owner sent: routed by its transaction ID;
//  - everything else (DTLS, SRTP, SRTCP, indications) by source address, learned only from
//    proof that the address belongs to the owner: a success response the owner sends (it
//    answers only authenticated requests) or one it receives for its own request.
// Two remote peers behind one address (a remote that shares one socket too) cannot be told
// apart past STUN; the latest proven owner wins and the takeover is counted.
class SharedSocketDemux {
public:
  using Owner = uint32_t;

  struct Stats {
    uint64_t byUfrag = 0;
    uint64_t byTransaction = 0;
    uint64_t byAddress = 0;
    uint64_t unknown = 0;          // no owner: dropped by the caller
    uint64_t addressTakeovers = 0; // an address proven by a second owner
  };

  // How long a request's transaction ID is remembered (RFC 8489 section 6.2.1: Rc=7, Rm=16
  // with RTO 500 ms is 39.5 s at most).
  static constexpr int64_t kTransactionLifetimeUs = 40'000'000;
  // A bound on what unanswered requests can cost: the oldest are forgotten beyond it.
  static constexpr size_t kMaxTransactions = 65536;

  // The owner's local ICE username fragment; false if another owner already has it.
  bool addOwner(Owner owner, std::string ufrag);
  // An ICE restart gave the owner a new ufrag; its older ones keep routing (the peer checks the
  // previous pair with them until the new one is nominated), the oldest beyond
  // kMaxUfragsPerOwner are forgotten. False if the owner is unknown or another owner has it.
  static constexpr size_t kMaxUfragsPerOwner = 3;
  bool addUfrag(Owner owner, std::string ufrag);
  // Forgets the owner's ufrags and addresses (its pending transactions expire by themselves).
  void removeOwner(Owner owner);

  // Learns from a datagram the owner sends: its requests' transaction IDs, the addresses its
  // success responses go to.
  void onSend(Owner owner, const net::SocketAddress& to, const uint8_t* data, size_t size, int64_t nowUs);
  // The owner of a received datagram, or nullopt (counted as unknown).
  std::optional<Owner> route(const net::SocketAddress& from, const uint8_t* data, size_t size, int64_t nowUs);

  const Stats& stats() const { return stats_; }
  size_t owners() const { return ufrags_.size(); }
  size_t addresses() const { return byAddress_.size(); }
  size_t pendingTransactions() const { return transactions_.size(); }

private:
  // The address as hashable bytes: family, port, IP.
  struct AddressKey {
    std::array<uint8_t, 19> bytes{};
    bool operator==(const AddressKey& o) const { return bytes == o.bytes; }
  };
  struct AddressKeyHash {
    size_t operator()(const AddressKey& k) const;
  };
  struct TransactionIdHash {
    size_t operator()(const stun::TransactionId& id) const;
  };
  // Lets a string_view find a std::string key without a copy.
  struct UfragHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Pending {
    Owner owner;
    int64_t expiresUs;
  };

  static AddressKey keyOf(const net::SocketAddress& address);
  void bindAddress(Owner owner, const net::SocketAddress& address);
  void expireTransactions(int64_t nowUs);

  std::unordered_map<std::string, Owner, UfragHash, std::equal_to<>> byUfrag_;
  std::unordered_map<Owner, std::deque<std::string>> ufrags_;  // oldest first
  std::unordered_map<AddressKey, Owner, AddressKeyHash> byAddress_;
  std::unordered_map<Owner, std::vector<AddressKey>> addressesOf_;
  std::unordered_map<stun::TransactionId, Pending, TransactionIdHash> transactions_;
  std::deque<std::pair<int64_t, stun::TransactionId>> transactionOrder_;  // by expiry
  Stats stats_;
};

}  // namespace wg::ice
