#include "SharedSocketDemux.hpp"

#include "../stun/StunMessage.hpp"

#include <algorithm>
#include <cstring>

namespace wg::ice {

namespace {

// FNV-1a: keys are short and not attacker-chosen in bulk (an address must be proven first).
size_t fnv1a(const uint8_t* data, size_t size) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
  return static_cast<size_t>(h);
}

bool isStun(const uint8_t* data, size_t size) { return size > 0 && data[0] <= 3 && stun::StunMessage::looksLikeStun(data, size); }

}  // namespace

size_t SharedSocketDemux::AddressKeyHash::operator()(const AddressKey& k) const {
  return fnv1a(k.bytes.data(), k.bytes.size());
}

size_t SharedSocketDemux::TransactionIdHash::operator()(const stun::TransactionId& id) const {
  // Transaction IDs are random (RFC 8489 section 5): their first bytes are a hash already.
  size_t h;
  std::memcpy(&h, id.data(), sizeof h);
  return h;
}

SharedSocketDemux::AddressKey SharedSocketDemux::keyOf(const net::SocketAddress& address) {
  AddressKey k;
  k.bytes[0] = static_cast<uint8_t>(address.family());
  uint16_t port = address.port();
  k.bytes[1] = static_cast<uint8_t>(port >> 8);
  k.bytes[2] = static_cast<uint8_t>(port);
  if (const uint8_t* ip = address.ipBytes()) std::memcpy(&k.bytes[3], ip, address.ipLength());
  return k;
}

bool SharedSocketDemux::addOwner(Owner owner, std::string ufrag) {
  if (byUfrag_.count(ufrag) != 0 || ufrags_.count(owner) != 0) return false;
  byUfrag_.emplace(ufrag, owner);
  ufrags_[owner].push_back(std::move(ufrag));
  return true;
}

bool SharedSocketDemux::addUfrag(Owner owner, std::string ufrag) {
  auto own = ufrags_.find(owner);
  if (own == ufrags_.end()) return false;
  auto taken = byUfrag_.find(ufrag);
  if (taken != byUfrag_.end()) return taken->second == owner;
  byUfrag_.emplace(ufrag, owner);
  own->second.push_back(std::move(ufrag));
  if (own->second.size() > kMaxUfragsPerOwner) {
    byUfrag_.erase(own->second.front());
    own->second.pop_front();
  }
  return true;
}

void SharedSocketDemux::removeOwner(Owner owner) {
  auto ufrag = ufrags_.find(owner);
  if (ufrag != ufrags_.end()) {
    for (const std::string& u : ufrag->second) byUfrag_.erase(u);
    ufrags_.erase(ufrag);
  }
  auto addresses = addressesOf_.find(owner);
  if (addresses == addressesOf_.end()) return;
  for (const AddressKey& k : addresses->second) {
    auto it = byAddress_.find(k);
    if (it != byAddress_.end() && it->second == owner) byAddress_.erase(it);
  }
  addressesOf_.erase(addresses);
}

void SharedSocketDemux::bindAddress(Owner owner, const net::SocketAddress& address) {
  AddressKey k = keyOf(address);
  auto [it, inserted] = byAddress_.try_emplace(k, owner);
  if (!inserted) {
    if (it->second == owner) return;
    ++stats_.addressTakeovers;
    it->second = owner;
  }
  std::vector<AddressKey>& mine = addressesOf_[owner];
  if (std::find(mine.begin(), mine.end(), k) == mine.end()) mine.push_back(k);
}

void SharedSocketDemux::expireTransactions(int64_t nowUs) {
  while (!transactionOrder_.empty() &&
         (transactionOrder_.front().first <= nowUs || transactionOrder_.size() > kMaxTransactions)) {
    auto it = transactions_.find(transactionOrder_.front().second);
    // A retransmitted request re-armed its entry; only the newest deadline removes it.
    if (it != transactions_.end() && it->second.expiresUs == transactionOrder_.front().first) transactions_.erase(it);
    transactionOrder_.pop_front();
  }
}

void SharedSocketDemux::onSend(Owner owner, const net::SocketAddress& to, const uint8_t* data, size_t size,
                               int64_t nowUs) {
  if (!isStun(data, size)) return;
  auto message = stun::StunMessage::parse(data, size);
  if (!message) return;
  switch (message->messageClass()) {
    case stun::MessageClass::Request: {
      int64_t expires = nowUs + kTransactionLifetimeUs;
      transactions_[message->transactionId()] = {owner, expires};
      transactionOrder_.emplace_back(expires, message->transactionId());
      expireTransactions(nowUs);
      break;
    }
    case stun::MessageClass::SuccessResponse:
      bindAddress(owner, to);
      break;
    default:
      break;
  }
}

std::optional<SharedSocketDemux::Owner> SharedSocketDemux::route(const net::SocketAddress& from, const uint8_t* data,
                                                                 size_t size, int64_t nowUs) {
  if (isStun(data, size)) {
    auto message = stun::StunMessage::parse(data, size);
    if (message && message->messageClass() == stun::MessageClass::Request) {
      // RFC 8445 section 7.2.2: USERNAME is the receiver's ufrag, a colon, the sender's.
      auto username = message->username();
      if (username) {
        auto colon = username->find(':');
        auto it = byUfrag_.find(username->substr(0, colon));
        if (it != byUfrag_.end()) {
          ++stats_.byUfrag;
          return it->second;
        }
      }
      ++stats_.unknown;
      return std::nullopt;
    }
    if (message && (message->messageClass() == stun::MessageClass::SuccessResponse ||
                    message->messageClass() == stun::MessageClass::ErrorResponse)) {
      expireTransactions(nowUs);
      auto it = transactions_.find(message->transactionId());
      if (it != transactions_.end()) {
        Owner owner = it->second.owner;
        transactions_.erase(it);
        ++stats_.byTransaction;
        // A success response to the owner's own check proves the path (RFC 8445 section 7.2.5.3).
        if (message->messageClass() == stun::MessageClass::SuccessResponse && ufrags_.count(owner) != 0) {
          bindAddress(owner, from);
        }
        return owner;
      }
    }
  }
  auto it = byAddress_.find(keyOf(from));
  if (it == byAddress_.end()) {
    ++stats_.unknown;
    return std::nullopt;
  }
  ++stats_.byAddress;
  return it->second;
}

}  // namespace wg::ice
