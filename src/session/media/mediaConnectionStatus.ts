import type { TransportStats } from '../../native/NativeTypes.js';
import type { NegotiatedMedia } from '../../sdp/negotiateMedia.js';
import { pairFromNative } from '../ice/selectedCandidatePair.js';
import type { MediaConnectionStats } from './mediaConnectionStats.js';
import { transportStatusView } from './transportStatusView.js';

/** What GET /media/connections/{id}/status reports, gathered by the connection. */
export interface MediaStatusInput {
  readonly id: string;
  readonly open: boolean;
  readonly metadata: unknown;
  readonly remoteId: string;
  /** The media port and SSRC of each stream we send. */
  readonly ssrc: readonly { media_id: string; ssrc: number }[];
  readonly state: string;
  readonly negotiated: readonly NegotiatedMedia[];
  /** Absent before the transport opens and after it closed. */
  readonly transport: TransportStats | undefined;
  readonly stats: MediaConnectionStats;
}

/** The REST view of a media connection's status (field order as the REST contract has always listed it). */
export function mediaConnectionStatus(s: MediaStatusInput) {
  return {
    media_connection_id: s.id,
    open: s.open,
    metadata: s.metadata ?? null,
    remote_id: s.remoteId,
    ssrc: s.ssrc,
    state: s.state,
    negotiated: s.negotiated.map((m) => ({ media: m.kind, codec: m.codec.name, payload_type: m.payloadType, send: m.send, receive: m.receive })),
    ...(s.transport && { transport: transportStatusView(s.transport) }),
    // The same field as a DataConnection's status (the raw pair stays in transport).
    selected_candidate_pair: pairFromNative(s.transport?.selectedLocal, s.transport?.selectedRemote),
    stats: s.stats,
  };
}

export type MediaConnectionStatus = ReturnType<typeof mediaConnectionStatus>;
