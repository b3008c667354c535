#include "ReceiveStatistics.hpp"

namespace wg::rtp {

namespace {
// RFC 3550 appendix A.1's constants.
constexpr int kMinSequential = 2;
constexpr uint32_t kMaxDropout = 3000;
constexpr uint32_t kMaxMisorder = 100;
constexpr uint32_t kSeqMod = 1u << 16;
}  // namespace

ReceiveStatistics::ReceiveStatistics(uint32_t ssrc, uint32_t clockRate) : ssrc_(ssrc), clockRate_(clockRate) {}

void ReceiveStatistics::initSequence(uint16_t seq) {
  baseSeq_ = seq;
  maxSeq_ = seq;
  badSeq_ = kSeqMod + 1;  // so seq == bad_seq is false
  cycles_ = 0;
  received_ = 0;
  receivedPrior_ = 0;
  expectedPrior_ = 0;
}

bool ReceiveStatistics::updateSequence(uint16_t seq) {
  uint16_t udelta = static_cast<uint16_t>(seq - maxSeq_);
  if (probation_ > 0) {
    // A.1: a source is valid only after MIN_SEQUENTIAL packets in sequence.
    if (seq == static_cast<uint16_t>(maxSeq_ + 1)) {
      --probation_;
      maxSeq_ = seq;
      if (probation_ == 0) {
        initSequence(seq);
        ++received_;
        return true;
      }
    } else {
      probation_ = kMinSequential - 1;
      maxSeq_ = seq;
    }
    return false;
  }
  if (udelta < kMaxDropout) {
    // In order, with a permissible gap.
    if (seq < maxSeq_) cycles_ += kSeqMod;
    maxSeq_ = seq;
  } else if (udelta <= kSeqMod - kMaxMisorder) {
    // A very large jump: a restart if the next packet follows it, else a stray packet.
    if (seq == badSeq_) {
      initSequence(seq);
      haveTransit_ = false;  // a new timestamp base would read as one huge jitter sample
      ++restarts_;
    } else {
      badSeq_ = (seq + 1u) & (kSeqMod - 1);
      return false;
    }
  }
  // Otherwise a duplicate or a reordered packet: counted, sequence state unchanged.
  ++received_;
  return true;
}

uint32_t ReceiveStatistics::arrivalInRtpUnits(int64_t arrivalUs) const {
  // Split so that arrivalUs * clockRate cannot overflow 64 bits.
  int64_t seconds = arrivalUs / 1000000;
  int64_t micros = arrivalUs % 1000000;
  int64_t units = seconds * clockRate_ + micros * clockRate_ / 1000000;
  return static_cast<uint32_t>(units);
}

void ReceiveStatistics::onPacket(uint16_t seq, uint32_t rtpTimestamp, int64_t arrivalUs, size_t packetBytes,
                                 bool retransmission) {
  if (!started_) {
    // A.1: init_seq, then max_seq = seq - 1 and probation.
    started_ = true;
    initSequence(seq);
    maxSeq_ = static_cast<uint16_t>(seq - 1);
    probation_ = kMinSequential;
  }
  if (retransmission) {
    // An old packet sent again: it fills a loss but says nothing about order or timing.
    if (probation_ > 0) return;
    ++received_;
  } else {
    if (!updateSequence(seq)) return;
    // A.8: D(i-1,i) from relative transit times, J += (|D| - J) / 16 kept as J * 16.
    int32_t transit = static_cast<int32_t>(arrivalInRtpUnits(arrivalUs) - rtpTimestamp);
    if (haveTransit_) {
      int32_t d = static_cast<int32_t>(static_cast<uint32_t>(transit) - static_cast<uint32_t>(transit_));
      uint64_t magnitude = d < 0 ? 0u - static_cast<uint32_t>(d) : static_cast<uint32_t>(d);
      jitterQ4_ += magnitude - ((jitterQ4_ + 8) >> 4);
    }
    transit_ = transit;
    haveTransit_ = true;
  }
  ++packets_;
  bytes_ += packetBytes;
}

void ReceiveStatistics::onSenderReport(uint64_t ntpTimestamp, int64_t arrivalUs) {
  haveSenderReport_ = true;
  lastSenderReport_ = rtcp::ntpMiddle32(ntpTimestamp);
  lastSenderReportArrivalUs_ = arrivalUs;
}

int64_t ReceiveStatistics::cumulativeLost() const {
  if (!started_ || probation_ > 0) return 0;
  int64_t expected = static_cast<int64_t>(extendedHighestSequence()) - baseSeq_ + 1;
  return expected - static_cast<int64_t>(received_);
}

double ReceiveStatistics::jitterSeconds() const {
  return clockRate_ == 0 ? 0.0 : jitterQ4_ / 16.0 / clockRate_;
}

rtcp::ReportBlock ReceiveStatistics::makeReportBlock(int64_t nowUs) {
  rtcp::ReportBlock b;
  b.ssrc = ssrc_;
  if (started_ && probation_ == 0) {
    // A.3: loss over the interval since the previous report.
    int64_t expected = static_cast<int64_t>(extendedHighestSequence()) - baseSeq_ + 1;
    int64_t expectedInterval = expected - expectedPrior_;
    expectedPrior_ = expected;
    int64_t receivedInterval = static_cast<int64_t>(received_ - receivedPrior_);
    receivedPrior_ = received_;
    int64_t lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval > 0 && lostInterval > 0) {
      int64_t fraction = (lostInterval << 8) / expectedInterval;
      b.fractionLost = static_cast<uint8_t>(fraction > 255 ? 255 : fraction);
    }
    int64_t lost = cumulativeLost();
    b.cumulativeLost = lost > 0x7FFFFF ? 0x7FFFFF : lost < -0x800000 ? -0x800000 : static_cast<int32_t>(lost);
    b.extendedHighestSequence = extendedHighestSequence();
  }
  b.jitter = jitter();
  if (haveSenderReport_) {
    b.lastSenderReport = lastSenderReport_;
    b.delaySinceLastSenderReport = rtcp::microsToQ16(nowUs - lastSenderReportArrivalUs_);
  }
  return b;
}

}  // namespace wg::rtp
