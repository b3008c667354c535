#pragma once

#include <cstddef>
#include <cstdint>

namespace wg::io {

// Where a port forwards what arrives on it (a transport sending it to its peer).
class PortPacketSink {
public:
  virtual ~PortPacketSink() = default;
  virtual void onPortPacket(uint32_t portHandle, const uint8_t* data, size_t size) = 0;
};

}  // namespace wg::io
