#include "RtcpCompound.hpp"

#include "../common/ByteReader.hpp"

namespace wg::rtcp {

bool RtcpCompound::next(RtcpPacketView& out) {
  if (offset_ >= size_ || size_ - offset_ < 4) return false;
  const uint8_t* p = data_ + offset_;
  if ((p[0] >> 6) != 2) return false;
  size_t length = 4u * (readU16(p + 2) + 1u);
  if (length > size_ - offset_) return false;
  out.data = p;
  out.size = length;
  out.type = p[1];
  out.count = p[0] & 0x1F;
  out.padding = (p[0] & 0x20) != 0;
  out.senderSsrc = length >= 8 ? readU32(p + 4) : 0;
  offset_ += length;
  return true;
}

bool RtcpCompound::valid() const {
  RtcpCompound walker(data_, size_);
  RtcpPacketView packet;
  size_t count = 0;
  while (walker.next(packet)) {
    if (packet.type < 192 || packet.type > 223) return false;
    ++count;
  }
  return count > 0 && walker.offset_ == size_;
}

}  // namespace wg::rtcp
