#pragma once

#include "../core/rtp/RtpHeader.hpp"

#include <cstddef>
#include <cstdint>

namespace wg::io {

// Where a port forwards what arrives on it (a transport sending it to its peer). `rtp` is the
// RTP header the port's fan-out source parsed once for every sink, nullptr when not RTP.
class PortPacketSink {
public:
  virtual ~PortPacketSink() = default;
  virtual void onPortPacket(uint32_t portHandle, const uint8_t* data, size_t size, const rtp::RtpHeader* rtp) = 0;
};

}  // namespace wg::io
