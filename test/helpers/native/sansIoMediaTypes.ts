// Types of the test addon's media session wrappers (native/testing/sansio/MediaSessionWrap.hpp,
// FanoutSourceWrap.hpp): one connection's media policy, without sockets.
import type { MediaKind, RawInboundRouting, RawMediaStats, RawOutboundStream } from '../../../src/native/addon.js';

/** What one ingest port shares among the connections it feeds; ingest() makes the datagram the port's current one. */
export interface RawSansIoFanoutSource {
  ingest(datagram: Uint8Array, nowUs: number): { ssrc: number; sequenceNumber: number; payloadType: number } | null;
  keepRecentPackets(): void;
  hasPacket(sequenceNumber: number): boolean;
  keyframeRequests(): { forwarded: number; coalesced: number };
}

/** What a sans-IO MediaSession sent, in order: to the remote peer (before SRTP) or to a user's address. */
export type RawMediaSessionOutput = { to: 'peer'; kind: 'rtp' | 'rtcp'; data: Buffer } | { to: 'user'; ip: string; port: number; data: Buffer };

export interface RawSansIoMediaSessionOptions {
  receiverSsrc?: number;
  rtxFirstSequence?: number;
  /** The session's NTP clock reads `ntpAnchor` at `ntpAnchorUs` of its monotonic one. */
  ntpAnchorUs?: number;
  ntpAnchor?: bigint;
}

/** One connection's media policy (native/core/media/MediaSession.hpp); what it sends is recorded for takeOutput(). */
export interface RawSansIoMediaSession {
  setOutboundStream(media: MediaKind, stream: RawOutboundStream | null): void;
  setInboundRoutes(routes: RawInboundRouting['routes']): void;
  expectRemoteSsrc(ssrc: number, media: MediaKind): void;
  expectRemoteRtx(rtxSsrc: number, ssrc: number): void;
  setFeedback(feedback: RawInboundRouting['feedback'], nowUs: number): void;
  setRedirect(kind: 'rtp' | 'rtcp', media: MediaKind, ip: string | null, port?: number): void;
  setSource(media: MediaKind, source: RawSansIoFanoutSource | null): void;
  requestKeyframe(): boolean;
  onConnected(nowUs: number): void;
  onDisconnected(): void;
  /** A FanoutSource delivers the datagram it ingested last, as a port does. */
  onUserRtp(media: MediaKind, datagram: RawSansIoFanoutSource | Uint8Array, nowUs: number): void;
  onUserRtcp(media: MediaKind, datagram: Uint8Array): void;
  /** With the header parsed as SRTP does (padding unread). */
  onPeerRtp(datagram: Uint8Array, nowUs: number): void;
  onPeerRtcp(datagram: Uint8Array, nowUs: number): void;
  nextTimeout(): number | null;
  handleTimeout(nowUs: number): void;
  takeOutput(): RawMediaSessionOutput[];
  /** The transport status's routing counters (native/binding/MediaStatsToJs.cpp routingCounters). */
  routingStats(): Record<string, number>;
  mediaStats(): RawMediaStats;
}
