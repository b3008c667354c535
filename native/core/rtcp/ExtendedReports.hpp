#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace wg::rtcp {

constexpr uint8_t kExtendedReportType = 207;  // RFC 3611 section 2
constexpr size_t kReceiverReferenceTimeSize = 20;

// RFC 3611 section 4.4: an XR with one Receiver Reference Time block. A sender that supports it
// answers with a DLRR block (section 4.5), from which a pure receiver learns the round-trip time.
size_t writeReceiverReferenceTime(uint8_t* out, size_t capacity, uint32_t senderSsrc, uint64_t ntpTimestamp);

struct DlrrEntry {
  uint32_t lastReceiverReport = 0;   // middle 32 bits of the RRTR's NTP timestamp
  uint32_t delaySinceLastReport = 0;  // 1/65536 s
};

// The DLRR sub-block about `ssrc` in one XR packet (header included), if it has one.
std::optional<DlrrEntry> findDlrr(const uint8_t* packet, size_t size, uint32_t ssrc);

}  // namespace wg::rtcp
