import { candidateLine } from '../../sdp/candidateSdp.js';
import type { Candidate } from '../../native/NativeTypes.js';

/** A PeerJS message to the remote peer of one media connection. */
export interface MediaSignal {
  readonly type: 'OFFER' | 'ANSWER' | 'CANDIDATE' | 'EXPIRE';
  readonly dst: string;
  readonly payload: Record<string, unknown>;
}

/** Which call a message is about: PeerJS names it by connectionId and type 'media'. */
export interface MediaCallRef {
  readonly remoteId: string;
  readonly connectionId: string;
}

/** OFFER (with the call's metadata) or ANSWER carrying our session description. */
export function descriptionSignal(call: MediaCallRef, type: 'OFFER' | 'ANSWER', sdp: string, metadata: unknown): MediaSignal {
  const payload: Record<string, unknown> = { sdp: { type: type === 'OFFER' ? 'offer' : 'answer', sdp }, type: 'media', connectionId: call.connectionId };
  if (type === 'OFFER') payload['metadata'] = metadata;
  return { type, dst: call.remoteId, payload };
}

/** A candidate gathered after the description went out, on the BUNDLE transport's first m= section. */
export function candidateSignal(call: MediaCallRef, candidate: Candidate, mid: { mid: string; index: number }, ufrag: string | undefined): MediaSignal {
  return {
    type: 'CANDIDATE',
    dst: call.remoteId,
    payload: {
      candidate: { candidate: candidateLine(candidate), sdpMid: mid.mid, sdpMLineIndex: mid.index, usernameFragment: ufrag },
      type: 'media',
      connectionId: call.connectionId,
    },
  };
}

/**
 * EXPIRE naming the connection: PeerJS has no message that ends one connection (LEAVE ends all
 * of a peer's); the stock client reports it as `peer-unavailable`, a calling gateway closes the call.
 */
export function declineSignal(call: MediaCallRef, reason: string): MediaSignal {
  return { type: 'EXPIRE', dst: call.remoteId, payload: { type: 'media', connectionId: call.connectionId, reason } };
}
