#pragma once

#include <cstddef>
#include <cstdint>

namespace wg::datachannel {

// Whether `data` is well-formed UTF-8 (RFC 3629 section 4; Unicode table 3-7): no overlong forms,
// no surrogates, nothing above U+10FFFF, no truncated sequence. What TextDecoder('utf-8', {fatal:
// true}) accepts.
bool isWellFormedUtf8(const uint8_t* data, size_t size);

}  // namespace wg::datachannel
