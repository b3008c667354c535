#include "DatagramOutbox.hpp"

#include <cerrno>
#include <cstring>

namespace wg::io {

DatagramOutbox::DatagramOutbox(size_t slots, size_t slotBytes)
    : slotBytes_(slotBytes),
      arena_(slots * slotBytes),
      fds_(slots),
      tallies_(slots),
      addresses_(slots),
      iovecs_(slots),
      headers_(slots) {}

void DatagramOutbox::send(int fd, const net::SocketAddress& to, const uint8_t* head, size_t headSize, const uint8_t* data,
                          size_t size, Tally* tally) {
  if (to.isUnspecified()) {
    dropped.add(1);
    if (tally) ++tally->dropped;
    return;
  }
  if (headSize + size > slotBytes_) {
    sendLarge(fd, to, head, headSize, data, size, tally);
    return;
  }
  if (count_ == headers_.size()) flush();
  size_t i = count_++;
  uint8_t* slot = arena_.data() + i * slotBytes_;
  if (headSize > 0) std::memcpy(slot, head, headSize);
  std::memcpy(slot + headSize, data, size);
  fds_[i] = fd;
  tallies_[i] = tally;
  std::memcpy(&addresses_[i], to.data(), to.length());
  iovecs_[i] = {slot, headSize + size};
  mmsghdr& h = headers_[i];
  std::memset(&h, 0, sizeof(h));
  h.msg_hdr.msg_name = &addresses_[i];
  h.msg_hdr.msg_namelen = to.length();
  h.msg_hdr.msg_iov = &iovecs_[i];
  h.msg_hdr.msg_iovlen = 1;
}

// A datagram larger than a slot (a data port's, up to 65507 bytes) leaves at once, after what is
// queued, so the order per destination holds; rare enough that a system call of its own is fine.
void DatagramOutbox::sendLarge(int fd, const net::SocketAddress& to, const uint8_t* head, size_t headSize,
                               const uint8_t* data, size_t size, Tally* tally) {
  flush();
  iovec parts[2] = {{const_cast<uint8_t*>(head), headSize}, {const_cast<uint8_t*>(data), size}};
  msghdr h{};
  h.msg_name = const_cast<sockaddr*>(to.data());
  h.msg_namelen = to.length();
  h.msg_iov = headSize > 0 ? parts : parts + 1;
  h.msg_iovlen = headSize > 0 ? 2 : 1;
  ssize_t n;
  do {
    n = ::sendmsg(fd, &h, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  sendCalls.add(1);
  if (n >= 0) {
    sent.add(1);
    if (tally) ++tally->sent;
  } else {
    dropped.add(1);
    if (tally) ++tally->dropped;
  }
}

void DatagramOutbox::flush() {
  size_t start = 0;
  while (start < count_) {
    size_t end = start + 1;
    while (end < count_ && fds_[end] == fds_[start]) ++end;
    size_t offset = start;
    while (offset < end) {
      int n = ::sendmmsg(fds_[start], &headers_[offset], static_cast<unsigned>(end - offset), MSG_DONTWAIT);
      sendCalls.add(1);
      if (n > 0) {
        sent.add(static_cast<uint64_t>(n));
        for (size_t i = offset; i < offset + static_cast<size_t>(n); ++i) {
          if (tallies_[i]) ++tallies_[i]->sent;
        }
        offset += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      // The first unsent datagram failed (full buffer, no route, EACCES...): drop it, go on.
      dropped.add(1);
      if (tallies_[offset]) ++tallies_[offset]->dropped;
      ++offset;
    }
    start = end;
  }
  count_ = 0;
}

}  // namespace wg::io
