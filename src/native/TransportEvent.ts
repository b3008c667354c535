import type { RawTransportEvent } from './addon.js';
import type { Candidate } from './NativeTypes.js';

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

export type TransportEvent = LocalCandidateEvent | TransportStateEvent | TurnFailedEvent;

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
      return { kind: raw.kind, text, detail };
    default:
      return undefined;
  }
}
