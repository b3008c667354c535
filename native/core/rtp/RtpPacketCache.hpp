#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wg::rtp {

// The most recent packets of one outgoing stream, by sequence number, kept so a NACK
// (RFC 4585 section 6.2.1) can be answered without the sender. A fixed ring: storing copies
// into a slot and never allocates once the first packet has arrived.
class RtpPacketCache {
public:
  struct Entry {
    const uint8_t* data = nullptr;
    size_t size = 0;
    int64_t storedUs = 0;  // when it was kept: as it was first sent
  };

  // `slots` must be a power of two; packets larger than `slotBytes` are not kept.
  explicit RtpPacketCache(size_t slots = 512, size_t slotBytes = 1500);

  void store(uint16_t sequence, const uint8_t* packet, size_t size, int64_t nowUs);
  // The packet sent with `sequence`, or nullptr when it is no longer (or never was) kept.
  const Entry* find(uint16_t sequence) const;
  size_t capacity() const { return slots_.size(); }

private:
  struct Slot {
    uint16_t sequence = 0;
    bool used = false;
    Entry entry;
  };
  std::vector<Slot> slots_;
  std::vector<uint8_t> storage_;  // allocated with the first packet: a stream that never sends costs nothing
  size_t slotBytes_;
};

}  // namespace wg::rtp
