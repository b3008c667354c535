/**
 * Bounds on what a remote peer (through its offers) or a REST client can make the gateway hold.
 * Each has a setting of the same name in snake case (docs/SECURITY.md lists them).
 */
export interface ConnectionLimits {
  /** Incoming offers one gateway peer holds unanswered or not yet open (data and media). */
  readonly maxPendingOffers: number;
  /** A connection not open this long after its offer closes (ERROR, then CLOSE). */
  readonly offerTimeoutMs: number;
  /** Live (not closed) data and media connections of one gateway peer. */
  readonly maxConnectionsPerPeer: number;
  /** Live data and media connections of the whole gateway. */
  readonly maxConnections: number;
  /** Connection metadata as JSON text, from REST or in a remote's offer. */
  readonly maxMetadataBytes: number;
  /** Nesting of objects and arrays in connection metadata. */
  readonly maxMetadataDepth: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxPendingOffers: 32,
  offerTimeoutMs: 60_000,
  maxConnectionsPerPeer: 1000,
  maxConnections: 2000,
  maxMetadataBytes: 16 * 1024,
  maxMetadataDepth: 32,
};
