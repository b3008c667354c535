// TurnClient towards its peers: permissions (RFC 8656 section 9) and channels (section 12),
// their requests, answers and refreshes, and the data relayed each way (sections 11 and 12.4).
#include "TurnClient.hpp"

#include "../stun/StunMessageBuilder.hpp"
#include "ChannelData.hpp"

#include <cstring>

namespace wg::turn {

using Lease = TurnPermissionTable::Lease;
using LeaseState = TurnPermissionTable::State;

bool TurnClient::createPermission(int64_t nowUs, const net::SocketAddress& peer) {
  if (state_ == TurnState::Closing || state_ == TurnState::Closed || state_ == TurnState::Failed) return false;
  if (peer.family() != config_.relayFamily) return false;
  auto index = peers_.ensurePermission(peer);
  if (!index) {
    stats_.peersRefused = peers_.refused();
    return false;
  }
  if (peers_.permission(*index).state == LeaseState::Forbidden) return false;
  requestLease(nowUs, TurnRequestKind::CreatePermission, *index, peers_.permission(*index));
  return true;
}

bool TurnClient::bindChannel(int64_t nowUs, const net::SocketAddress& peer) {
  if (!createPermission(nowUs, peer)) return false;
  auto index = peers_.ensureChannel(peer);
  if (!index) {
    stats_.peersRefused = peers_.refused();
    return false;
  }
  requestLease(nowUs, TurnRequestKind::ChannelBind, *index, peers_.channel(*index));
  return true;
}

void TurnClient::requestLease(int64_t nowUs, TurnRequestKind kind, size_t index, Lease& lease) {
  if (lease.state == LeaseState::Failed) lease.state = LeaseState::Requested;
  if (state_ == TurnState::Allocated && lease.state == LeaseState::Requested && !lease.inFlight)
    lease.inFlight = sendRequest(nowUs, kind, index, 0);
}

void TurnClient::sendPeerRequests(int64_t nowUs, bool refreshes) {
  auto waits = [nowUs, refreshes](const Lease& l) {
    if (l.inFlight) return false;
    return refreshes ? l.state == LeaseState::Installed && nowUs >= l.refreshAtUs : l.state == LeaseState::Requested;
  };
  for (size_t i = 0; i < peers_.permissions().size(); ++i) {
    if (waits(peers_.permission(i)))
      peers_.permission(i).inFlight = sendRequest(nowUs, TurnRequestKind::CreatePermission, i, 0);
  }
  for (size_t i = 0; i < peers_.channels().size(); ++i) {
    if (waits(peers_.channel(i))) peers_.channel(i).inFlight = sendRequest(nowUs, TurnRequestKind::ChannelBind, i, 0);
  }
}

void TurnClient::handlePeerSuccess(int64_t nowUs, const TurnTransaction& t) {
  if (t.kind == TurnRequestKind::CreatePermission) {
    ++stats_.permissions;
    peers_.permission(t.subject).install(nowUs + config_.timings.permissionRefreshUs);
    return;
  }
  ++stats_.channelBinds;
  auto& c = peers_.channel(t.subject);
  c.install(nowUs + config_.timings.channelRefreshUs);
  // RFC 8656 section 12.2: a ChannelBind also installs or refreshes the peer IP's permission.
  if (auto p = peers_.findPermission(c.peer); p && !peers_.permission(*p).inFlight)
    peers_.permission(*p).install(nowUs + config_.timings.permissionRefreshUs);
}

void TurnClient::handlePeerFailure(const TurnTransaction& t, uint16_t code) {
  if (t.kind == TurnRequestKind::CreatePermission) {
    auto& p = peers_.permission(t.subject);
    // A refused IP stays refused (coturn refuses loopback and other denied ranges): asking again
    // for every ICE check towards it would only repeat the 403.
    p.state = code == stun::error::Forbidden ? LeaseState::Forbidden : LeaseState::Failed;
    p.inFlight = false;
    return;
  }
  auto& c = peers_.channel(t.subject);
  c.state = LeaseState::Failed;
  c.inFlight = false;
}

bool TurnClient::send(const net::SocketAddress& peer, const uint8_t* data, size_t size) {
  if (state_ != TurnState::Allocated || size > kMaxPayload) {
    ++stats_.sendDropped;
    return false;
  }
  uint8_t* out = sendBuffer_.data();
  if (auto channel = peers_.boundChannel(peer)) {
    size_t frame = channelDataFrameSize(size, overStream());
    writeChannelDataHeader(out, *channel, static_cast<uint16_t>(size));
    std::memcpy(out + kChannelDataHeaderSize, data, size);
    std::memset(out + kChannelDataHeaderSize + size, 0, frame - kChannelDataHeaderSize - size);
    countChannelDataSent(size);
    listener_.onTurnSend(out, frame);
    return true;
  }
  if (!peers_.permitted(peer)) {
    ++stats_.sendDropped;
    return false;
  }
  // RFC 8656 section 11.1: a Send indication with XOR-PEER-ADDRESS and DATA, unauthenticated.
  stun::StunMessageBuilder b(out, sendBuffer_.size(), static_cast<uint16_t>(stun::Method::Send),
                             stun::MessageClass::Indication, newTransactionId());
  b.addXorAddress(stun::attr::XorPeerAddress, peer);
  b.addBytes(stun::attr::Data, data, size);
  if (!b.ok()) {
    ++stats_.sendDropped;
    return false;
  }
  ++stats_.sendIndications;
  stats_.bytesSent += size;
  listener_.onTurnSend(b.data(), b.size());
  return true;
}

// RFC 8656 section 11.6: XOR-PEER-ADDRESS and DATA; indications are not authenticated.
void TurnClient::handleDataIndication(const stun::StunMessage& m) {
  auto peer = m.xorAddress(stun::attr::XorPeerAddress);
  const stun::Attribute* data = m.find(stun::attr::Data);
  if (!peer || data == nullptr) {
    ++stats_.malformed;
    return;
  }
  ++stats_.dataIndications;
  stats_.bytesReceived += data->length;
  // The message is a view over the caller's mutable bytes.
  listener_.onTurnPeerData(*peer, const_cast<uint8_t*>(m.value(*data)), data->length);
}

}  // namespace wg::turn
