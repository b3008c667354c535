import type { RawTransportEvent } from './addon.js';
import type { Candidate, DataChannelInfo, DataDropReason } from './NativeTypes.js';

/** Every transport event carries the native strings: `text` and `detail` as listed per kind. */
interface EventText {
  readonly text: string;
  readonly detail: string;
}

/** A candidate gathered (host, srflx or relay); `text` is its SDP attribute value. */
export interface LocalCandidateEvent extends EventText {
  readonly kind: 'local-candidate';
  readonly candidate: Candidate;
}

/**
 * A state change or a milestone: `ice-state` and `dtls-state` give the new state in `text`;
 * `selected-pair` the local and remote candidates in `text` and `detail`; `connected` the SRTP
 * profile; `closed` "local" or "remote"; `failed` the reason.
 */
export interface TransportStateEvent extends EventText {
  readonly kind: 'gathering-complete' | 'ice-state' | 'selected-pair' | 'dtls-state' | 'connected' | 'closed' | 'failed';
}

/** A TURN server could not be used (`text` says why, `detail` is its URL); the transport goes on without it. */
export interface TurnFailedEvent extends EventText {
  readonly kind: 'turn-failed';
  /** The server's STUN error code (401 for refused credentials), 0 when it gave none. */
  readonly code: number;
}

/** The SCTP association is up (channels may be opened), the PeerJS in-band close arrived, or the association failed (`text` says how; nothing follows). */
export interface SctpStateEvent extends EventText {
  readonly kind: 'sctp-up' | 'data-remote-close' | 'sctp-failed';
}

/** A channel opened: ours (DCEP acknowledged, or pre-negotiated) or the remote's (`remote`). */
export interface DataChannelOpenEvent extends EventText {
  readonly kind: 'data-channel-open';
  /** `remote`: the peer opened it. */
  readonly channel: DataChannelInfo & { readonly remote: boolean };
}

/** The peer reset the channel's stream (RFC 8831 section 6.7), or it was closed. */
export interface DataChannelClosedEvent extends EventText {
  readonly kind: 'data-channel-closed';
  readonly stream: number;
}

/** A message the native codec hands up for JavaScript to decode (the slow path; bounded, counted when dropped). */
export interface DataMessageEvent extends EventText {
  readonly kind: 'data-message';
  readonly stream: number;
  readonly binary: boolean;
  readonly data: Buffer;
}

/** Datagrams or messages dropped for `reason` since the last report (at most once a second per reason). */
export interface DataDropsEvent extends EventText {
  readonly kind: 'data-drops';
  readonly direction: 'to_remote' | 'from_remote';
  readonly reason: DataDropReason;
  readonly count: number;
}

export type DataTransportEvent = SctpStateEvent | DataChannelOpenEvent | DataChannelClosedEvent | DataMessageEvent | DataDropsEvent;

export type TransportEvent = LocalCandidateEvent | TransportStateEvent | TurnFailedEvent | DataTransportEvent;

/** The binding's event as a member of the union; undefined for one it should never send. */
export function transportEventFromNative(raw: RawTransportEvent): TransportEvent | undefined {
  const text = raw.text ?? '';
  const detail = raw.detail ?? '';
  switch (raw.kind) {
    case 'local-candidate':
      return raw.candidate ? { kind: raw.kind, text, detail, candidate: raw.candidate } : undefined;
    case 'turn-failed':
      return { kind: raw.kind, text, detail, code: raw.code ?? 0 };
    case 'gathering-complete':
    case 'ice-state':
    case 'selected-pair':
    case 'dtls-state':
    case 'connected':
    case 'closed':
    case 'failed':
    case 'sctp-up':
    case 'data-remote-close':
    case 'sctp-failed':
      return { kind: raw.kind, text, detail };
    case 'data-channel-open':
      return raw.channel ? { kind: raw.kind, text, detail, channel: raw.channel } : undefined;
    case 'data-channel-closed':
      return raw.stream === undefined ? undefined : { kind: raw.kind, text, detail, stream: raw.stream };
    case 'data-message':
      return raw.stream === undefined || !raw.data ? undefined : { kind: raw.kind, text, detail, stream: raw.stream, binary: raw.binary === true, data: raw.data };
    case 'data-drops':
      return raw.direction === undefined || raw.reason === undefined
        ? undefined
        : { kind: raw.kind, text, detail, direction: raw.direction, reason: raw.reason, count: raw.count ?? 0 };
    default:
      return undefined;
  }
}

