import type { MediaKind, MediaStats } from '../../native/NativeTypes.js';

/** One stream in GET …/stats: what we send ('send') or receive from the remote ('receive'). */
export interface MediaStreamStats {
  readonly media: MediaKind;
  readonly direction: 'send' | 'receive';
  readonly ssrc: number;
  readonly packets: number;
  readonly bytes: number;
  /** Over the last report interval (about a second). */
  readonly bitrate_kbps: number;
  /**
   * Send: as the remote reported it; receive: as we counted it (RFC 3550 appendix A.3). Packets
   * expected but not received, never below 0: the cumulative count of RFC 3550 goes negative when
   * duplicates outnumber losses, which here reads as no loss seen.
   */
  readonly lost: number;
  readonly fraction_lost?: number;
  readonly jitter_ms: number;
  readonly rtt_ms?: number | null;
  readonly nacks_received?: number;
  readonly nacked_packets?: number;
  readonly retransmitted_packets?: number;
  readonly retransmission_misses?: number;
  readonly pli_received?: number;
  readonly fir_received?: number;
  readonly retransmissions_received?: number;
  readonly nacks_sent?: number;
  readonly recovered_packets?: number;
  readonly unrecovered_packets?: number;
  readonly pli_sent?: number;
}

export interface MediaConnectionStats {
  readonly media_connection_id: string;
  /** The latest round-trip time from RTCP (SR/RR, or XR DLRR when we only receive). */
  readonly rtt_ms: number | null;
  readonly streams: readonly MediaStreamStats[];
  readonly feedback?: { readonly reports_sent: number; readonly transport_cc_sent: number; readonly remb_sent: number };
}

/**
 * The REST shape of a connection's native media statistics (GET …/stats): send streams carry
 * what the remote reported about them, receive streams what the gateway counted.
 */
export function mediaConnectionStats(id: string, raw: MediaStats | undefined, clockRateOf: (kind: MediaKind) => number): MediaConnectionStats {
  const streams: MediaStreamStats[] = [];
  for (const s of raw?.send ?? []) {
    streams.push({
      media: s.media,
      direction: 'send',
      ssrc: s.ssrc,
      packets: s.packets,
      bytes: s.bytes,
      bitrate_kbps: Math.round(s.bitrateBps / 1000),
      lost: Math.max(0, s.remoteLost),
      fraction_lost: s.remoteFractionLost,
      jitter_ms: (s.remoteJitter / clockRateOf(s.media)) * 1000,
      rtt_ms: s.rttMs,
      nacks_received: s.nacksReceived,
      nacked_packets: s.nackedPackets,
      retransmitted_packets: s.retransmittedPackets,
      retransmission_misses: s.retransmissionMisses,
      pli_received: s.pliReceived,
      fir_received: s.firReceived,
    });
  }
  const feedback = raw?.receiveFeedback;
  for (const s of raw?.receive ?? []) {
    const video = s.media === 'video' && feedback;
    streams.push({
      media: s.media,
      direction: 'receive',
      ssrc: s.ssrc,
      packets: s.packets,
      bytes: s.bytes,
      bitrate_kbps: Math.round(s.bitrateBps / 1000),
      lost: Math.max(0, s.lost),
      jitter_ms: s.jitterMs,
      retransmissions_received: s.retransmissionsReceived,
      ...(video && {
        nacks_sent: feedback.nacksSent,
        nacked_packets: feedback.nackedPackets,
        recovered_packets: feedback.recovered,
        unrecovered_packets: feedback.abandoned,
        pli_sent: feedback.pliSent,
      }),
    });
  }
  return {
    media_connection_id: id,
    rtt_ms: raw?.rttMs ?? null,
    streams,
    ...(feedback && {
      feedback: {
        reports_sent: feedback.reportsSent,
        transport_cc_sent: feedback.transportFeedbackSent,
        remb_sent: feedback.rembSent,
      },
    }),
  };
}
