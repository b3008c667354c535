#pragma once

#include <cstddef>
#include <cstdint>

namespace wg::media {

// The two kinds of stream a MediaConnection carries (one m= section each).
enum class MediaKind : uint8_t { Video = 0, Audio = 1 };

constexpr size_t kMediaKinds = 2;
constexpr size_t index(MediaKind kind) { return static_cast<size_t>(kind); }

// What a user's port carries for a stream, and what goes to each of the user's addresses.
enum class PacketKind : uint8_t { Rtp, Rtcp };

}  // namespace wg::media
