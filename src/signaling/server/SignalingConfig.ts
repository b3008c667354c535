/** Settings of the embedded PeerJS-compatible signaling server. Defaults follow the `peer` package. */
export interface SignalingConfig {
  readonly host: string;
  readonly port: number;
  /** Mount path; the WebSocket is at `{path}peerjs`. Always starts and ends with "/". */
  readonly path: string;
  /** The API key clients must present. */
  readonly key: string;
  /** When set, peers must present a credential (see PeerCredential). */
  readonly secret: string | undefined;
  /** Whether `GET {path}{key}/peers` lists connected ids. */
  readonly allowDiscovery: boolean;
  /** Messages for an absent peer wait this long before the sender gets EXPIRE. */
  readonly expireTimeoutMs: number;
  /** A client silent (no heartbeat, no message) for this long is dropped. */
  readonly aliveTimeoutMs: number;
  readonly maxClients: number;
  /** Largest WebSocket message accepted; a larger one closes that client's socket. */
  readonly maxMessageBytes: number;
  /** Messages kept per absent destination (more are dropped with an EXPIRE to the sender). */
  readonly maxQueuedPerPeer: number;
  /** Bytes kept per absent destination, and for all of them together (same rule as the count). */
  readonly maxQueuedBytesPerPeer: number;
  readonly maxQueuedBytes: number;
  /** Bytes a client's socket may hold unsent; past it the client is disconnected (it stopped reading). */
  readonly sendBufferLimitBytes: number;
  /**
   * A client silent (no message, no heartbeat) for this long may be replaced by a newcomer with
   * the same id and token; a livelier one keeps its id (the newcomer gets ID-TAKEN).
   */
  readonly staleAfterMs: number;
  /** An HTTP request or WebSocket handshake not complete after this long is dropped. */
  readonly handshakeTimeoutMs: number;
  /**
   * A destination holding a quarter of sendBufferLimitBytes unsent pauses its senders until it
   * drains; one that does not drain for this long has stopped reading and is disconnected.
   */
  readonly drainTimeoutMs: number;
  /** Bytes held unsent for all clients together; past it the ones that stopped draining go first. */
  readonly maxUnsentBytes: number;
}

export const DEFAULT_SIGNALING: SignalingConfig = {
  host: '127.0.0.1',
  port: 9000,
  path: '/',
  key: 'peerjs',
  secret: undefined,
  allowDiscovery: false,
  expireTimeoutMs: 5000,
  aliveTimeoutMs: 90000,
  maxClients: 2000,
  maxMessageBytes: 256 * 1024,
  maxQueuedPerPeer: 100,
  maxQueuedBytesPerPeer: 1024 * 1024,
  maxQueuedBytes: 32 * 1024 * 1024,
  sendBufferLimitBytes: 4 * 1024 * 1024,
  // Three missed heartbeats of the stock client (it sends one every 5 s).
  staleAfterMs: 15000,
  handshakeTimeoutMs: 10000,
  drainTimeoutMs: 10000,
  maxUnsentBytes: 64 * 1024 * 1024,
};

/** "/x" and "x/" and "x" all become "/x/"; "" becomes "/". */
export function normalizeMountPath(path: string): string {
  let p = path.trim();
  if (!p.startsWith('/')) p = `/${p}`;
  if (!p.endsWith('/')) p = `${p}/`;
  return p;
}
