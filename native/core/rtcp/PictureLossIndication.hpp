#pragma once

#include <cstddef>
#include <cstdint>

namespace wg::rtcp {

constexpr size_t kPliSize = 12;

// A Picture Loss Indication (RFC 4585 section 6.3.1): payload-specific feedback, FMT 1, no FCI.
// Sent alone (reduced-size RTCP, RFC 5506), which a=rtcp-rsize allows. `out` holds kPliSize bytes.
void writePictureLossIndication(uint8_t* out, uint32_t senderSsrc, uint32_t mediaSsrc);

}  // namespace wg::rtcp
