#pragma once

#include "DropReason.hpp"

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wg::datachannel {

// Puts PeerJS chunked messages ({__peerData: id, n, total, data}) back together with bounded memory,
// as ChunkReassembler.ts does: at most kMaxPending messages in progress (a new one evicts the oldest,
// counted as incomplete: on an unreliable channel a lost chunk would otherwise pin its message),
// at most kMaxChunks chunks and `maxBytes` bytes per message, and the last kMaxRefused ids refused as
// too large remembered so that their later chunks are not counted again.
class ChunkReassembler {
public:
  static constexpr size_t kMaxPending = 8;
  static constexpr uint32_t kMaxChunks = 64;
  static constexpr size_t kMaxRefused = 64;

  struct Result {
    enum class Kind : uint8_t { Complete, Partial, Drop } kind = Kind::Partial;
    DropReason reason{};            // Drop
    uint32_t evicted = 0;           // messages in progress given up to make room
    const uint8_t* packed = nullptr;  // Complete: the whole message, valid until the next add()
    size_t size = 0;
  };

  explicit ChunkReassembler(size_t maxBytes) : maxBytes_(maxBytes) {}

  // One chunk; 0 <= n < total (the caller checks the shape). `id` is the JavaScript number PeerJS
  // sent (ids compare as a Map's keys do: -0 is 0).
  Result add(double id, uint32_t n, uint32_t total, const uint8_t* data, size_t size);

  size_t pendingMessages() const;

private:
  struct Partial {
    bool used = false;
    uint64_t id = 0;
    uint64_t age = 0;  // when it started, to evict the oldest
    uint32_t total = 0;
    uint32_t received = 0;
    size_t bytes = 0;
    std::bitset<kMaxChunks> have;
    std::array<uint32_t, kMaxChunks> offset{};
    std::array<uint32_t, kMaxChunks> length{};
    std::vector<uint8_t> store;  // chunks in arrival order; capacity kept for the next message
  };

  Partial* find(uint64_t id);
  bool refused(uint64_t id) const;
  void refuse(uint64_t id);

  size_t maxBytes_;
  std::array<Partial, kMaxPending> pending_;
  uint64_t nextAge_ = 0;
  std::array<uint64_t, kMaxRefused> refused_{};
  size_t refusedCount_ = 0;
  size_t refusedNext_ = 0;  // the slot the next refused id takes (oldest first out)
  std::vector<uint8_t> whole_;
};

}  // namespace wg::datachannel
