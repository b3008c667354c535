#include "SctpAssociation.hpp"

#include "UsrsctpLibrary.hpp"

#include <usrsctp.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace wg::sctp {

namespace {
constexpr size_t kMaxPending = 1024;
// What usrsctp may queue between two flushes (one congestion window's burst is far less).
constexpr size_t kMaxQueuedPackets = 2048;
constexpr size_t kMaxQueuedBytes = 2 * 1024 * 1024;
// usrsctp's SCTP_GET_SNDBUF_USE (its netinet/sctp.h, not in usrsctp.h): the association's
// output queue in bytes, sent but unacknowledged included.
constexpr int kGetSndbufUse = 0x00001101;
struct SndbufUse {
  sctp_assoc_t assocId;
  uint32_t totalSndbuf;
  uint32_t totalRecvBuf;
};
// usrsctp has no "next timer" query; its timers advance at this granularity from our loop.
constexpr int64_t kTimerTickUs = 10'000;
// Our SCTP packets ride DTLS over UDP: keep them under a conservative path MTU.
constexpr uint32_t kSctpMtu = 1200;

template <typename T>
void setOption(struct socket* s, int level, int name, const T& value) {
  usrsctp_setsockopt(s, level, name, &value, sizeof(value));
}

sockaddr_conn connAddress(void* self, uint16_t port) {
  sockaddr_conn a{};
  a.sconn_family = AF_CONN;
  a.sconn_port = htons(port);
  a.sconn_addr = self;
  return a;
}
}  // namespace

const char* sctpSendStatusName(SctpSendStatus status) {
  switch (status) {
    case SctpSendStatus::Ok: return "ok";
    case SctpSendStatus::NotConnected: return "not-connected";
    case SctpSendStatus::UnknownChannel: return "unknown-channel";
    case SctpSendStatus::TooLarge: return "too-large";
    case SctpSendStatus::Full: return "full";
    case SctpSendStatus::Failed: return "failed";
  }
  return "unknown";
}

const char* dataChannelEventName(DataChannelEventKind kind) {
  switch (kind) {
    case DataChannelEventKind::AssociationUp: return "association-up";
    case DataChannelEventKind::ChannelOpened: return "channel-opened";
    case DataChannelEventKind::Message: return "message";
    case DataChannelEventKind::ChannelClosed: return "channel-closed";
    case DataChannelEventKind::AssociationFailed: return "association-failed";
  }
  return "unknown";
}

SctpAssociation::SctpAssociation(const SctpConfig& config, bool dtlsClient, Listener& listener)
    : config_(config), dtlsClient_(dtlsClient), listener_(listener), remoteMaxMessageSize_(config.maxMessageSize) {
  UsrsctpLibrary::acquire(this);
}

SctpAssociation::~SctpAssociation() {
  if (socket_ != nullptr) {
    std::lock_guard guard(UsrsctpLibrary::lock());
    usrsctp_close(socket_);  // SO_LINGER 0: an ABORT, no lingering state
  }
  // Deregistered: no callback reaches this object any more, on any thread.
  UsrsctpLibrary::release(this);
  size_t offset = 0;
  for (uint32_t size : packets_.sizes) {  // the ABORT
    listener_.onSctpSend(packets_.bytes.data() + offset, size);
    offset += size;
  }
  for (auto& d : pending_) std::free(d.data);
  for (auto& d : handling_) std::free(d.data);
}

void SctpAssociation::start(int64_t nowUs) {
  nowUs_ = nowUs;
  if (socket_ != nullptr) return;
  timersDueUs_ = nowUs + kTimerTickUs;
  const char* failure = nullptr;
  {
    std::lock_guard guard(UsrsctpLibrary::lock());
    socket_ = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, onReceive, nullptr, 0, this);
    if (socket_ == nullptr) {
      failure = "cannot create the SCTP socket";
    } else {
      configureSocket();
      sockaddr_conn local = connAddress(this, config_.port);
      sockaddr_conn remote = connAddress(this, config_.port);
      if (usrsctp_bind(socket_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
        failure = "cannot bind the SCTP socket";
      } else if (usrsctp_connect(socket_, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) != 0 &&
                 errno != EINPROGRESS) {
        failure = "cannot start the SCTP association";
      }
    }
  }
  if (failure != nullptr) failAssociation(failure);
  flush();
}

void SctpAssociation::configureSocket() {
  usrsctp_set_non_blocking(socket_, 1);
  linger noLinger{1, 0};
  setOption(socket_, SOL_SOCKET, SO_LINGER, noLinger);
  int sendBuffer = static_cast<int>(config_.sendBufferBytes);
  setOption(socket_, SOL_SOCKET, SO_SNDBUF, sendBuffer);
  // RFC 8831 section 6.7: channels close by resetting streams (RFC 6525).
  sctp_assoc_value reset{};
  reset.assoc_id = SCTP_ALL_ASSOC;
  reset.assoc_value = SCTP_ENABLE_RESET_STREAM_REQ;
  setOption(socket_, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, reset);
  int noDelay = 1;  // messages are sent as they come; batching is the caller's choice
  setOption(socket_, IPPROTO_SCTP, SCTP_NODELAY, noDelay);
  sctp_initmsg init{};
  init.sinit_num_ostreams = config_.maxStreams;
  init.sinit_max_instreams = config_.maxStreams;
  setOption(socket_, IPPROTO_SCTP, SCTP_INITMSG, init);
  sctp_paddrparams path{};
  path.spp_assoc_id = SCTP_FUTURE_ASSOC;
  path.spp_flags = SPP_PMTUD_DISABLE;
  path.spp_pathmtu = kSctpMtu;
  setOption(socket_, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, path);
  // Not SCTP_SEND_FAILED_EVENT: usrsctp would copy every abandoned PR-SCTP message into it.
  for (uint16_t type : {SCTP_ASSOC_CHANGE, SCTP_STREAM_RESET_EVENT}) {
    sctp_event event{};
    event.se_assoc_id = SCTP_ALL_ASSOC;
    event.se_type = type;
    event.se_on = 1;
    setOption(socket_, IPPROTO_SCTP, SCTP_EVENT, event);
  }
}

void SctpAssociation::handlePacket(int64_t nowUs, const uint8_t* data, size_t size) {
  nowUs_ = nowUs;
  if (socket_ == nullptr || failed_) return;
  {
    std::lock_guard guard(UsrsctpLibrary::lock());
    UsrsctpLibrary::countInput(data, size);
    usrsctp_conninput(this, data, size, 0);
  }
  flush();
}

void SctpAssociation::handleTimeout(int64_t nowUs) {
  nowUs_ = nowUs;
  if (socket_ == nullptr) return;
  if (config_.ownTimers && nowUs >= timersDueUs_) {
    // The next tick counts from this one, not from the last packet: steady traffic must not
    // keep pushing usrsctp's timers (retransmission, delayed SACK) into the future.
    timersDueUs_ = nowUs + kTimerTickUs;
    UsrsctpLibrary::handleTimers(nowUs);
  }
  flush();
}

std::optional<int64_t> SctpAssociation::nextTimeout() const {
  if (socket_ == nullptr) return std::nullopt;
  if (hasQueued()) return nowUs_;
  if (failed_ || !config_.ownTimers) return std::nullopt;
  return timersDueUs_;
}

void SctpAssociation::queuePacket(const uint8_t* data, size_t size) {
  if (packets_.sizes.size() >= kMaxQueuedPackets || packets_.bytes.size() + size > kMaxQueuedBytes) {
    ++droppedOutput_;  // SCTP retransmits what is lost
    return;
  }
  packets_.bytes.insert(packets_.bytes.end(), data, data + size);
  packets_.sizes.push_back(static_cast<uint32_t>(size));
  queued_.store(true, std::memory_order_release);
}

int SctpAssociation::onReceive(struct socket*, union sctp_sockstore, void* data, size_t size, struct sctp_rcvinfo info,
                               int flags, void* self) {
  // Under UsrsctpLibrary's lock, on whichever thread made the usrsctp call.
  auto* association = static_cast<SctpAssociation*>(self);
  if (data == nullptr) return 1;
  if (!UsrsctpLibrary::live(association) || association->pending_.size() >= kMaxPending) {
    if (UsrsctpLibrary::live(association)) ++association->droppedQueueFull_;
    std::free(data);
    return 1;
  }
  association->pending_.push_back(Delivery{data, size, info.rcv_sid, ntohl(info.rcv_ppid), flags});
  association->queued_.store(true, std::memory_order_release);
  return 1;
}

// Packets and deliveries are handed over here, outside usrsctp's calls and its lock, so handling
// may send (a DCEP ACK, a reset): what that queues is taken by the next round of the loop.
void SctpAssociation::flush() {
  if (flushing_) return;
  flushing_ = true;
  for (;;) {
    {
      std::lock_guard guard(UsrsctpLibrary::lock());
      stats_.droppedQueueFull += droppedQueueFull_;
      stats_.droppedOutput += droppedOutput_;
      droppedQueueFull_ = droppedOutput_ = 0;
      if (pending_.empty() && packets_.sizes.empty()) {
        queued_.store(false, std::memory_order_release);
        break;
      }
      std::swap(pending_, handling_);
      std::swap(packets_, sending_);
      queued_.store(false, std::memory_order_release);
    }
    size_t offset = 0;
    for (uint32_t size : sending_.sizes) {
      listener_.onSctpSend(sending_.bytes.data() + offset, size);
      offset += size;
    }
    sending_.bytes.clear();
    sending_.sizes.clear();
    for (auto& d : handling_) {
      handleDelivery(d);
      std::free(d.data);
    }
    handling_.clear();
  }
  flushing_ = false;
}

void SctpAssociation::handleDelivery(const Delivery& d) {
  {
    auto* bytes = static_cast<const uint8_t*>(d.data);
    if ((d.flags & MSG_NOTIFICATION) != 0) {
      handleNotification(bytes, d.size);
    } else if ((d.flags & MSG_EOR) == 0 || !partial_.empty() || partialTooLarge_) {
      // Partial delivery: collect the parts of one message (no interleaving, so one at a time).
      if (partial_.size() + d.size > config_.maxMessageSize) {
        partialTooLarge_ = true;
        partial_.clear();
      } else if (!partialTooLarge_) {
        partial_.insert(partial_.end(), bytes, bytes + d.size);
      }
      if ((d.flags & MSG_EOR) != 0) {
        if (partialTooLarge_) ++stats_.droppedTooLarge;
        else handleMessage(d.stream, d.ppid, partial_.data(), partial_.size());
        partial_.clear();
        partialTooLarge_ = false;
      }
    } else {
      handleMessage(d.stream, d.ppid, bytes, d.size);
    }
  }
}

void SctpAssociation::handleNotification(const uint8_t* data, size_t size) {
  if (size < sizeof(sctp_notification::sctp_tlv)) return;
  const auto* n = reinterpret_cast<const sctp_notification*>(data);
  switch (n->sn_header.sn_type) {
    case SCTP_ASSOC_CHANGE: {
      uint16_t state = n->sn_assoc_change.sac_state;
      if (state == SCTP_COMM_UP && !up_) {
        up_ = true;
        emit({DataChannelEventKind::AssociationUp});
      } else if (state == SCTP_COMM_LOST) {
        failAssociation("SCTP association lost");
      } else if (state == SCTP_CANT_STR_ASSOC) {
        failAssociation("SCTP association could not be established");
      } else if (state == SCTP_SHUTDOWN_COMP) {
        failAssociation("SCTP association shut down");
      }
      break;
    }
    case SCTP_STREAM_RESET_EVENT: handleStreamReset(data, size); break;
    default: break;
  }
}

// RFC 8831 section 6.7: the peer reset its outgoing stream; we reset ours (if we did not start
// the close) and the channel is gone.
void SctpAssociation::handleStreamReset(const uint8_t* data, size_t size) {
  if (size < sizeof(sctp_stream_reset_event)) return;
  const auto& e = reinterpret_cast<const sctp_notification*>(data)->sn_strreset_event;
  if ((e.strreset_flags & (SCTP_STREAM_RESET_DENIED | SCTP_STREAM_RESET_FAILED)) != 0) return;
  if ((e.strreset_flags & SCTP_STREAM_RESET_INCOMING_SSN) == 0) return;
  size_t length = std::min<size_t>(size, e.strreset_length);
  if (length < sizeof(sctp_stream_reset_event)) return;
  size_t count = (length - sizeof(sctp_stream_reset_event)) / sizeof(uint16_t);
  for (size_t i = 0; i < count; ++i) {
    uint16_t stream = e.strreset_stream_list[i];
    auto it = channels_.find(stream);
    if (it == channels_.end()) continue;
    if (!it->second.resetSent) resetStream(stream);
    channels_.erase(it);
    DataChannelEvent event{DataChannelEventKind::ChannelClosed};
    event.stream = stream;
    emit(event);
  }
}

void SctpAssociation::handleMessage(uint16_t stream, uint32_t ppid, const uint8_t* data, size_t size) {
  if (size > config_.maxMessageSize) {
    ++stats_.droppedTooLarge;
    return;
  }
  if (ppid == static_cast<uint32_t>(Ppid::Dcep)) {
    handleDcep(stream, data, size);
    return;
  }
  auto it = channels_.find(stream);
  if (it == channels_.end()) {
    ++stats_.droppedMalformed;
    return;
  }
  // Anything from the peer on the stream means it got our OPEN (RFC 8832 section 6).
  it->second.acked = true;
  DataChannelEvent event{DataChannelEventKind::Message};
  event.stream = stream;
  switch (static_cast<Ppid>(ppid)) {
    case Ppid::String: event.data = data, event.size = size; break;
    case Ppid::Binary: event.binary = true, event.data = data, event.size = size; break;
    case Ppid::StringEmpty: break;
    case Ppid::BinaryEmpty: event.binary = true; break;
    default: ++stats_.droppedMalformed; return;
  }
  ++stats_.messagesReceived;
  emit(event);
}

void SctpAssociation::handleDcep(uint16_t stream, const uint8_t* data, size_t size) {
  if (size == 1 && data[0] == kDcepAck) {
    auto it = channels_.find(stream);
    if (it == channels_.end() || it->second.acked) return;
    it->second.acked = true;
    DataChannelEvent event{DataChannelEventKind::ChannelOpened};
    event.stream = stream;
    event.open = &it->second.open;
    emit(event);
    return;
  }
  auto open = parseDcepOpen(data, size);
  // RFC 8832 section 6: the peer's ids have the other parity; a stream in use is a protocol error.
  bool peerParity = (stream % 2 == 0) != dtlsClient_;
  if (!open || !peerParity || channels_.count(stream) != 0) {
    ++stats_.droppedMalformed;
    return;
  }
  Channel& channel = channels_[stream];
  channel.open = std::move(*open);
  channel.acked = true;
  uint8_t ack = kDcepAck;
  sendRaw(stream, static_cast<uint32_t>(Ppid::Dcep), {}, true, &ack, 1);
  DataChannelEvent event{DataChannelEventKind::ChannelOpened};
  event.stream = stream;
  event.remote = true;
  event.open = &channel.open;
  emit(event);
}

std::optional<uint16_t> SctpAssociation::openChannel(const DcepOpen& open) {
  if (!up_ || failed_) return std::nullopt;
  for (uint32_t id = dtlsClient_ ? 0 : 1; id < config_.maxStreams; id += 2) {
    auto stream = static_cast<uint16_t>(id);
    if (channels_.count(stream) != 0) continue;
    writeDcepOpen(open, scratch_);
    if (sendRaw(stream, static_cast<uint32_t>(Ppid::Dcep), {}, true, scratch_.data(), scratch_.size()) !=
        SctpSendStatus::Ok)
      return std::nullopt;
    channels_[stream].open = open;
    return stream;
  }
  return std::nullopt;
}

std::optional<uint16_t> SctpAssociation::addNegotiatedChannel(uint16_t stream, const DcepOpen& open) {
  if (!up_ || failed_ || stream >= config_.maxStreams || channels_.count(stream) != 0) return std::nullopt;
  Channel& channel = channels_[stream];
  channel.open = open;
  channel.acked = true;  // nothing to wait for: the peer knows the channel
  return stream;
}

const DcepOpen* SctpAssociation::channel(uint16_t stream) const {
  auto it = channels_.find(stream);
  return it == channels_.end() ? nullptr : &it->second.open;
}

uint32_t SctpAssociation::bufferedAmount() const {
  if (socket_ == nullptr || failed_) return 0;
  SndbufUse use{};
  socklen_t length = sizeof(use);
  std::lock_guard guard(UsrsctpLibrary::lock());
  if (usrsctp_getsockopt(socket_, IPPROTO_SCTP, kGetSndbufUse, &use, &length) != 0) return 0;
  return use.totalSndbuf;
}

SctpSendStatus SctpAssociation::send(uint16_t stream, bool binary, const uint8_t* data, size_t size) {
  if (!up_ || failed_) return SctpSendStatus::NotConnected;
  auto it = channels_.find(stream);
  if (it == channels_.end() || it->second.resetSent) return SctpSendStatus::UnknownChannel;
  if (remoteMaxMessageSize_ != 0 && size > remoteMaxMessageSize_) return SctpSendStatus::TooLarge;
  Ppid ppid = binary ? (size == 0 ? Ppid::BinaryEmpty : Ppid::Binary) : (size == 0 ? Ppid::StringEmpty : Ppid::String);
  // RFC 8831 section 6.6: an empty message is one byte under an "empty" PPID.
  static const uint8_t kEmptyByte = 0;
  const uint8_t* bytes = size == 0 ? &kEmptyByte : data;
  size_t length = size == 0 ? 1 : size;
  const Channel& channel = it->second;
  SctpSendStatus status = sendRaw(stream, static_cast<uint32_t>(ppid), channel.open.reliability,
                                  channel.open.reliability.ordered || !channel.acked, bytes, length);
  if (status == SctpSendStatus::Ok) ++stats_.messagesSent;
  return status;
}

SctpSendStatus SctpAssociation::sendRaw(uint16_t stream, uint32_t ppid, const ChannelReliability& reliability,
                                        bool ordered, const uint8_t* data, size_t size) {
  sctp_sendv_spa spa{};
  spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
  spa.sendv_sndinfo.snd_sid = stream;
  spa.sendv_sndinfo.snd_ppid = htonl(ppid);
  spa.sendv_sndinfo.snd_flags = SCTP_EOR | (ordered ? 0 : SCTP_UNORDERED);
  // Partial reliability (RFC 3758) through usrsctp's PR-SCTP policies.
  if (reliability.maxRetransmits) {
    spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
    spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_RTX;
    spa.sendv_prinfo.pr_value = *reliability.maxRetransmits;
  } else if (reliability.maxLifetimeMs) {
    spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
    spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
    spa.sendv_prinfo.pr_value = *reliability.maxLifetimeMs;
  }
  ssize_t sent;
  int error;
  {
    std::lock_guard guard(UsrsctpLibrary::lock());
    sent = usrsctp_sendv(socket_, data, size, nullptr, 0, &spa, sizeof(spa), SCTP_SENDV_SPA, 0);
    error = errno;
  }
  flush();
  if (sent >= 0) return SctpSendStatus::Ok;
  if (error == EWOULDBLOCK || error == EAGAIN) {
    ++stats_.sendFull;
    return SctpSendStatus::Full;
  }
  if (error == EMSGSIZE) return SctpSendStatus::TooLarge;
  return SctpSendStatus::Failed;
}

bool SctpAssociation::closeChannel(uint16_t stream) {
  auto it = channels_.find(stream);
  if (it == channels_.end() || it->second.resetSent || !up_) return false;
  resetStream(stream);
  return true;
}

void SctpAssociation::resetStream(uint16_t stream) {
  auto it = channels_.find(stream);
  if (it != channels_.end()) it->second.resetSent = true;
  alignas(sctp_reset_streams) uint8_t buffer[sizeof(sctp_reset_streams) + sizeof(uint16_t)] = {};
  auto* request = reinterpret_cast<sctp_reset_streams*>(buffer);
  request->srs_assoc_id = SCTP_ALL_ASSOC;
  request->srs_flags = SCTP_STREAM_RESET_OUTGOING;
  request->srs_number_streams = 1;
  request->srs_stream_list[0] = stream;
  {
    std::lock_guard guard(UsrsctpLibrary::lock());
    usrsctp_setsockopt(socket_, IPPROTO_SCTP, SCTP_RESET_STREAMS, buffer, sizeof(buffer));
  }
  flush();
}

void SctpAssociation::failAssociation(const char* why) {
  if (failed_) return;
  failed_ = true;
  up_ = false;
  DataChannelEvent event{DataChannelEventKind::AssociationFailed};
  event.text = why;
  emit(event);
}

}  // namespace wg::sctp
