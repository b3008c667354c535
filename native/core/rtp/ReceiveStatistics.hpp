#pragma once

#include "../rtcp/RtcpWriters.hpp"

#include <cstddef>
#include <cstdint>

namespace wg::rtp {

// Reception statistics for one remote SSRC, as RFC 3550 appendix A computes them: sequence
// validation with probation and restart detection (A.1), loss over the whole session and over
// each report interval (A.3), and interarrival jitter (A.8). Feeds our RR report blocks.
class ReceiveStatistics {
public:
  ReceiveStatistics(uint32_t ssrc, uint32_t clockRate);

  // A packet of this SSRC arrived. `retransmission` (RTX, RFC 4588, with the original sequence
  // number) counts in packets and bytes but not in jitter, and never moves the highest sequence
  // number or signals a restart. Packets on probation or judged invalid are not counted.
  void onPacket(uint16_t seq, uint32_t rtpTimestamp, int64_t arrivalUs, size_t packetBytes,
                bool retransmission = false);
  // An SR from this source arrived: keeps LSR (the middle 32 bits of its NTP timestamp) and when.
  void onSenderReport(uint64_t ntpTimestamp, int64_t arrivalUs);
  // The report block for an RR/SR sent now. Advances the interval fraction lost refers to
  // (A.3 expected_prior/received_prior). DLSR is 0 while no SR has been seen.
  rtcp::ReportBlock makeReportBlock(int64_t nowUs);

  uint32_t ssrc() const { return ssrc_; }
  uint32_t clockRate() const { return clockRate_; }
  // Valid packets and their bytes (retransmissions included) over the object's life; unlike
  // A.1's `received`, not reset when the source restarts.
  uint64_t packets() const { return packets_; }
  uint64_t bytes() const { return bytes_; }
  // A.3: expected - received since the sequence (re)started; negative with duplicates.
  int64_t cumulativeLost() const;
  // Interarrival jitter in RTP timestamp units, and in seconds.
  uint32_t jitter() const { return (jitterQ4_ >> 4) > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(jitterQ4_ >> 4); }
  double jitterSeconds() const;
  // Cycles * 2^16 + the highest sequence number (A.1's extended max).
  uint32_t extendedHighestSequence() const { return cycles_ + maxSeq_; }
  // Times A.1 judged the source restarted (a new sequence after two in-order packets).
  uint64_t restarts() const { return restarts_; }

private:
  // A.1: the sequence number state. Returns false when the packet is not (yet) valid.
  bool updateSequence(uint16_t seq);
  void initSequence(uint16_t seq);
  // Arrival time in the stream's clock units, modulo 2^32 (A.8 needs differences only).
  uint32_t arrivalInRtpUnits(int64_t arrivalUs) const;

  uint32_t ssrc_;
  uint32_t clockRate_;
  bool started_ = false;
  uint16_t maxSeq_ = 0;
  uint32_t cycles_ = 0;  // shifted count of wraps, as A.1
  uint32_t baseSeq_ = 0;
  uint32_t badSeq_ = 0;
  int probation_ = 0;
  uint64_t received_ = 0;
  uint64_t packets_ = 0;
  uint64_t bytes_ = 0;
  int64_t expectedPrior_ = 0;
  uint64_t receivedPrior_ = 0;
  uint64_t restarts_ = 0;
  bool haveTransit_ = false;
  int32_t transit_ = 0;
  uint64_t jitterQ4_ = 0;  // jitter * 16, A.8's integer form (64 bits: no overflow on wild timestamps)
  bool haveSenderReport_ = false;
  uint32_t lastSenderReport_ = 0;
  int64_t lastSenderReportArrivalUs_ = 0;
};

}  // namespace wg::rtp
