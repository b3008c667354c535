#include "PictureLossIndication.hpp"

#include "../common/ByteReader.hpp"
#include "RtcpCompound.hpp"

namespace wg::rtcp {

void writePictureLossIndication(uint8_t* out, uint32_t senderSsrc, uint32_t mediaSsrc) {
  out[0] = 0x80 | fmt::Pli;  // V=2, P=0
  out[1] = type::PayloadFeedback;
  writeU16(out + 2, kPliSize / 4 - 1);
  writeU32(out + 4, senderSsrc);
  writeU32(out + 8, mediaSsrc);
}

}  // namespace wg::rtcp
