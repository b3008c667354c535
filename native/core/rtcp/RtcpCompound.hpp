#pragma once

#include <cstddef>
#include <cstdint>

namespace wg::rtcp {

// Packet types of RFC 3550 section 12.1, RFC 4585 section 6.1 and RFC 5104.
namespace type {
constexpr uint8_t SenderReport = 200;
constexpr uint8_t ReceiverReport = 201;
constexpr uint8_t SourceDescription = 202;
constexpr uint8_t Goodbye = 203;
constexpr uint8_t ApplicationDefined = 204;
constexpr uint8_t TransportFeedback = 205;  // NACK, transport-cc
constexpr uint8_t PayloadFeedback = 206;    // PLI, FIR, REMB
}  // namespace type

// Feedback message types (FMT, the 5 low bits of the first byte) of the two feedback packet types.
namespace fmt {
constexpr uint8_t Nack = 1;          // TransportFeedback: generic NACK (RFC 4585 section 6.2.1)
constexpr uint8_t TransportCc = 15;  // TransportFeedback: transport-wide feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01)
constexpr uint8_t Pli = 1;           // PayloadFeedback: picture loss indication (RFC 4585 section 6.3.1)
constexpr uint8_t Fir = 4;           // PayloadFeedback: full intra request (RFC 5104 section 4.3.1)
constexpr uint8_t Remb = 15;         // PayloadFeedback: application layer feedback, REMB (draft-alvestrand-rmcat-remb-03)
}  // namespace fmt

// One packet of a compound RTCP datagram.
struct RtcpPacketView {
  const uint8_t* data = nullptr;
  size_t size = 0;  // including the 4-byte header
  uint8_t type = 0;
  uint8_t count = 0;  // RC / SC / FMT, the 5 low bits of the first byte
  bool padding = false;
  uint32_t senderSsrc = 0;  // the first 32-bit word after the header, where present
};

// Walks the packets of a compound RTCP datagram (RFC 3550 section 6.1), checking each length.
class RtcpCompound {
public:
  RtcpCompound(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  // False when the datagram is not entirely well-formed RTCP.
  bool valid() const;
  // Advances to the next packet; false at the end or on a malformed packet.
  bool next(RtcpPacketView& out);

private:
  const uint8_t* data_;
  size_t size_;
  size_t offset_ = 0;
};

// Keeps only the packets of a valid compound for which `keep(const RtcpPacketView&)` is true,
// moved together at the front; returns the new size (0 when none is kept).
template <class Keep>
size_t keepRtcpPackets(uint8_t* data, size_t size, Keep&& keep) {
  RtcpCompound compound(data, size);
  RtcpPacketView view;
  size_t kept = 0;
  while (compound.next(view)) {
    if (!keep(view)) continue;
    if (view.data != data + kept) {
      for (size_t i = 0; i < view.size; ++i) data[kept + i] = view.data[i];  // forward copy: never overtakes the source
    }
    kept += view.size;
  }
  return kept;
}

// RFC 5761 section 4: with rtcp-mux, a second byte in 192..223 (payload type 64..95 with the
// marker bit) marks RTCP.
inline bool isRtcp(const uint8_t* data, size_t size) { return size >= 2 && data[1] >= 192 && data[1] <= 223; }

}  // namespace wg::rtcp
