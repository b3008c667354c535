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
  if (headSize + size > slotBytes_ || to.isUnspecified()) {
    dropped.add(1);
    if (tally) ++tally->dropped;
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
