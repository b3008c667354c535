#include "TurnStreamDeframer.hpp"

#include "../common/ByteReader.hpp"
#include "../stun/StunConstants.hpp"
#include "ChannelData.hpp"

namespace wg::turn {

size_t TurnStreamDeframer::frameSize(const uint8_t* data) {
  uint16_t length = readU16(data + 2);
  switch (data[0] >> 6) {
    case 0:  // STUN: the length excludes the header and is a multiple of 4 (RFC 8489 section 5)
      return length % 4 == 0 ? stun::kHeaderSize + length : 0;
    case 1:  // ChannelData, padded on a stream (RFC 8656 section 12.5)
      return isBindableChannel(readU16(data)) ? channelDataFrameSize(length, true) : 0;
    default:
      return 0;
  }
}

}  // namespace wg::turn
