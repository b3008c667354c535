#pragma once

#include "RtpHeader.hpp"

#include <cstddef>
#include <cstdint>

namespace wg::rtp {

// Finds header extension element `id` in a packet `header` was parsed from (RFC 8285): the
// one-byte form (profile 0xBEDE, ids 1..14) and the two-byte form (profile 0x100X, ids
// 1..255). On success points `value` at the element's data and sets `length` (which may be 0
// in the two-byte form). False when the packet has no such element or its extension block is
// malformed before reaching it.
bool findHeaderExtension(const uint8_t* packet, size_t size, const RtpHeader& header, uint8_t id,
                         const uint8_t** value, size_t* length);

}  // namespace wg::rtp
