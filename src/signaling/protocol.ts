/**
 * The PeerJS server protocol (peerjs 1.5 / peer 1.0), as the stock client speaks it.
 * Server -> client: OPEN, ID-TAKEN, ERROR, and relayed messages with `src` added.
 * Client -> server: HEARTBEAT, and OFFER / ANSWER / CANDIDATE / LEAVE / EXPIRE with `dst`.
 */
export const RELAYED_TYPES = ['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE'] as const;
export type RelayedType = (typeof RELAYED_TYPES)[number];

/** The WebSocket lives at `{path}peerjs` (path "/" gives "/peerjs"). */
export const WEBSOCKET_SUFFIX = 'peerjs';

/**
 * Peer ids: the PeerJS rule (letters and digits, single spaces, dashes or underscores between
 * them) with "+" counted as a letter, as the SkyWay gateway allows since 0.3.0 ("+81…", "a+b").
 * The stock client checks its own id by the PeerJS rule, but calls and connects to any id.
 */
export const PEER_ID_PATTERN = /^[A-Za-z0-9+]+(?:[ _-][A-Za-z0-9+]+)*$/;
export const MAX_PEER_ID_LENGTH = 128;

export function isValidPeerId(id: string): boolean {
  return id.length <= MAX_PEER_ID_LENGTH && PEER_ID_PATTERN.test(id);
}

/** Error texts the stock `peer` server sends, kept so existing clients recognise them. */
export const SERVER_ERRORS = {
  invalidKey: 'Invalid key provided',
  invalidParameters: 'No id, token, or key supplied to websocket server',
  connectionLimit: 'Server has reached its concurrent user limit',
  invalidId: 'Invalid id provided',
  invalidCredential: 'Invalid credential provided',
  expiredCredential: 'Credential expired',
  invalidMessage: 'Invalid message',
} as const;

/**
 * What a client may send (the schema every incoming message is checked against):
 *   { type: "HEARTBEAT", ... }
 *   { type: "OFFER" | "ANSWER" | "CANDIDATE" | "LEAVE" | "EXPIRE", dst?: peer id, payload?: any }
 *   { type: "CREDENTIAL", payload: { timestamp: integer, ttl: integer, authToken: string } }  (our extension)
 * Payloads of relayed messages are relayed as they are, so only their size is bounded (by the
 * WebSocket's maximum message size); the envelope is checked strictly. Hand-written rather than
 * a zod schema because it runs for every relayed message.
 */
export type ClientMessage =
  | { type: 'HEARTBEAT' }
  | { type: RelayedType; dst?: string; payload?: unknown }
  | { type: 'CREDENTIAL'; payload: { timestamp: number; ttl: number; authToken: string } };

const RELAYED = new Set<unknown>(RELAYED_TYPES);

export function parseClientMessage(value: unknown): ClientMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  if (m['type'] === 'HEARTBEAT') return { type: 'HEARTBEAT' };
  if (RELAYED.has(m['type'])) {
    const dst = m['dst'];
    if (dst !== undefined && (typeof dst !== 'string' || dst.length === 0 || dst.length > MAX_PEER_ID_LENGTH)) return undefined;
    return m as ClientMessage;
  }
  if (m['type'] === 'CREDENTIAL') {
    const p = m['payload'] as Record<string, unknown> | null | undefined;
    if (typeof p !== 'object' || p === null) return undefined;
    const { timestamp, ttl, authToken } = p;
    if (!Number.isInteger(timestamp) || !Number.isInteger(ttl) || typeof authToken !== 'string' || authToken.length > 256) {
      return undefined;
    }
    return { type: 'CREDENTIAL', payload: { timestamp: timestamp as number, ttl: ttl as number, authToken } };
  }
  return undefined;
}

export interface ServerMessage {
  type: string;
  src?: string;
  dst?: string;
  payload?: unknown;
}
