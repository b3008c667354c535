// Types of the test addon's RTCP wrappers and functions (native/testing/sansio/RtcpFunctions.hpp).
import type { MediaKind, RawReceiveStreamStats } from '../../../src/native/addon.js';

/** An RTCP reception report block (RFC 3550 section 6.4.1; native/core/rtcp/RtcpWriters.hpp). */
export interface RawReportBlock {
  ssrc: number;
  fractionLost: number;
  cumulativeLost: number;
  extendedHighestSequence: number;
  /** RTP timestamp units. */
  jitter: number;
  /** Middle 32 bits of the last SR's NTP timestamp. */
  lastSenderReport: number;
  /** 1/65536 s. */
  delaySinceLastSenderReport: number;
}

/** RtcpSessionConfig (native/core/media/RtcpSession.hpp). */
export interface RawRtcpSessionConfig {
  cname?: string;
  /** Our SSRC in reports while no send stream is set. */
  receiverSsrc?: number;
  nack?: boolean;
  /** RFC 8285 id of the transport-wide sequence number extension; absent: no transport-cc feedback. */
  transportCcExtensionId?: number;
  /** REMB maximum for received video; 0: none. */
  rembBps?: number;
  reportIntervalUs?: number;
  transportFeedbackIntervalUs?: number;
}

/** One of our outgoing streams when a report is due (media::SenderSnapshot). */
export interface RawSenderSnapshot {
  ssrc: number;
  rtpTimestamp?: number;
  packets?: number;
  payloadOctets?: number;
  bytes?: number;
}

/** What the remote told us about one of our streams (media::SendFeedbackStats). */
export interface RawSendFeedbackStats {
  ssrc: number;
  pliReceived: number;
  firReceived: number;
  nackReceived: number;
  remoteCumulativeLost: number;
  /** 1/256 units, as in the report block. */
  remoteFractionLost: number;
  remoteJitter: number;
  rttUs: number | null;
  bitrateBps: number;
}

/** RTCP writers and receive-side RTCP state (native/testing/sansio/RtcpFunctions.hpp). Writers return null when the packet does not fit `capacity` (default 1500). */
export interface RawSansIoRtcp {
  rtcpWriteSenderReport(
    ssrc: number,
    info: { ntpTimestamp: bigint; rtpTimestamp?: number; packetCount?: number; octetCount?: number },
    blocks: Partial<RawReportBlock>[],
    capacity?: number,
  ): Buffer | null;
  rtcpWriteReceiverReport(ssrc: number, blocks: Partial<RawReportBlock>[], capacity?: number): Buffer | null;
  rtcpWriteSdesCname(ssrc: number, cname: string, capacity?: number): Buffer | null;
  rtcpWriteGenericNack(senderSsrc: number, mediaSsrc: number, sequences: number[], capacity?: number): Buffer | null;
  rtcpWriteRemb(senderSsrc: number, bitrateBps: number, ssrcs: number[], capacity?: number): Buffer | null;
  rtcpReadReportBlock(bytes: Uint8Array): RawReportBlock | null;
  rtcpNackedSequences(fci: Uint8Array): number[];
  rtpFindHeaderExtension(packet: Uint8Array, id: number): Buffer | null;
  ntpFromUnixMicros(unixUs: number): bigint;
  microsToQ16(us: number): number;
  q16ToMicros(units: number): number;
  /** A - LSR - DLSR in microseconds, or -1. */
  rtcpRoundTripMicros(arrivalMiddle32: number, lsr: number, dlsr: number): number;
  ReceiveStatistics: new (ssrc: number, clockRate: number) => {
    onPacket(seq: number, rtpTimestamp: number, arrivalUs: number, bytes: number, retransmission?: boolean): void;
    onSenderReport(ntpTimestamp: bigint, arrivalUs: number): void;
    makeReportBlock(nowUs: number): RawReportBlock;
    stats(): Record<'ssrc' | 'clockRate' | 'packets' | 'bytes' | 'cumulativeLost' | 'jitter' | 'jitterSeconds' | 'extendedHighestSequence' | 'restarts', number>;
  };
  NackGenerator: new (config?: { reorderDelayUs?: number; maxRetries?: number; maxMissing?: number; maxAgeUs?: number; minRetryIntervalUs?: number }) => {
    onPacket(seq: number, nowUs: number): boolean;
    collectDue(nowUs: number, rttUs: number, capacity?: number): number[];
    nextDueUs(rttUs: number): number | null;
    needsKeyframe(): boolean;
    stats(): Record<'requested' | 'recovered' | 'reordered' | 'abandoned' | 'overflows' | 'missing', number>;
  };
  /** Which transport a datagram on a shared socket is for (native/core/ice/SharedSocketDemux.hpp). */
  SharedSocketDemux: new () => {
    addOwner(owner: number, ufrag: string): boolean;
    removeOwner(owner: number): void;
    onSend(owner: number, ip: string, port: number, datagram: Uint8Array, nowUs: number): void;
    route(ip: string, port: number, datagram: Uint8Array, nowUs: number): number | null;
    stats(): Record<'byUfrag' | 'byTransaction' | 'byAddress' | 'unknown' | 'addressTakeovers' | 'owners' | 'addresses' | 'pendingTransactions', number>;
  };
  /** A connection's own RTCP (native/core/media/RtcpSession.hpp). */
  RtcpSession: new (config?: RawRtcpSessionConfig) => {
    setSendStream(kind: MediaKind, ssrc: number | null): void;
    /** True when the packet gave poll() new work: ask nextDeadlineUs() again. */
    onReceivedRtp(kind: MediaKind, ssrc: number, seq: number, timestamp: number, clockRate: number, size: number, nowUs: number, retransmission?: boolean): boolean;
    onTransportSequence(transportSequence: number, nowUs: number): boolean;
    onRemoteRtcp(datagram: Uint8Array, nowUs: number, nowNtp: bigint): void;
    countPliSent(): void;
    /** One compound datagram of what is due, or null; `capacity` (default 1500) includes 64 bytes kept for SRTCP. */
    poll(nowUs: number, nowNtp: bigint, senders?: Partial<Record<MediaKind, RawSenderSnapshot | null>> | null, capacity?: number): Buffer | null;
    nextDeadlineUs(): number;
    rttEstimateUs(): number;
    rttUs(): number | null;
    sendStats(): Record<MediaKind, RawSendFeedbackStats | null>;
    receiveStats(): RawReceiveStreamStats[];
    receiveFeedback(): Record<'nackSent' | 'nackedSequences' | 'recovered' | 'abandoned' | 'pliSent' | 'transportFeedbackSent' | 'rembSent' | 'reportsSent', number> & { rttUs: number | null };
  };
  /** NACK answers for one outgoing stream (native/core/media/RetransmissionSender.hpp). */
  /** With `stream`, onSent takes the user's packet (as a source port keeps it) and returns it rewritten into the stream. */
  RetransmissionSender: new (config?: { rtxSsrc?: number; rtxPayloadType?: number; rtxFirstSequence?: number; stream?: { ssrc: number; payloadType: number } }) => {
    onSent(seq: number, packet: Uint8Array, nowUs: number): Buffer | null | undefined;
    /** The packets sent in answer to one generic NACK's FCI, in order; `capacity` (default 2048) as the scratch buffer. */
    onNack(fci: Uint8Array, nowUs: number, minIntervalUs: number, capacity?: number): Buffer[];
    stats(): Record<'nackPackets' | 'nackedSequences' | 'retransmitted' | 'notCached' | 'suppressed', number>;
    usesRtx(): boolean;
  };
  TransportWideFeedback: new () => {
    onPacket(transportSequence: number, arrivalUs: number): void;
    hasPending(): boolean;
    pendingCount(): number;
    writeFeedback(senderSsrc: number, mediaSsrc: number, capacity?: number): Buffer | null;
    stats(): Record<'late' | 'duplicates' | 'dropped' | 'feedbackPackets', number>;
  };
}
