import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { GatewayPeer } from '../peers/GatewayPeer.js';
import { metadataProblem } from './checkMetadata.js';
import type { ConnectionLimits } from './ConnectionLimits.js';
import type { DescriptorBudget } from './DescriptorBudget.js';

/** Why an incoming offer was refused (the keys of a peer's `refused_offers` in its status). */
export type OfferRefusal = 'pending_offers' | 'peer_connections' | 'gateway_connections' | 'descriptors' | 'metadata';

/** What a table of connections tells the admission about itself. */
export interface ConnectionCounts {
  /** Connections not closed. */
  live(): number;
  liveOf(peer: GatewayPeer): number;
  /** Connections neither open nor closed, either way. */
  pending(): number;
  /** Connections a remote offered to `peer` that are neither open nor closed. */
  pendingIncomingOf(peer: GatewayPeer): number;
}

/** Refusals are logged at most this often per reason, so a flood cannot flood the log. */
const LOG_EVERY_MS = 10_000;

/**
 * Decides whether a new connection may exist, for the data and media registries together: an
 * incoming offer within the peer's pending and connection limits, the gateway's limit and the
 * descriptor budget, with metadata of bounded size and depth; an outgoing one (REST) within the
 * same connection and descriptor limits. An incoming offer over a limit is dropped, counted on
 * the peer and logged at a bounded rate; an outgoing one fails with LIMIT_REACHED.
 */
export class ConnectionAdmission {
  private readonly tables: { counts: ConnectionCounts; descriptors: number }[] = [];
  private readonly lastLog = new Map<OfferRefusal, number>();

  constructor(
    readonly limits: ConnectionLimits,
    private readonly descriptors: DescriptorBudget | undefined,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Each registry's table registers itself, with the descriptors one of its connections opens. */
  track(counts: ConnectionCounts, descriptors: number): void {
    this.tables.push({ counts, descriptors });
  }

  /** An incoming offer to `peer` costing `descriptors`; the reason when it must be refused. */
  admitOffer(peer: GatewayPeer, descriptors: number, metadata: unknown): OfferRefusal | undefined {
    const refusal = this.offerRefusal(peer, descriptors, metadata);
    if (refusal) {
      peer.countRefusedOffer(refusal);
      const last = this.lastLog.get(refusal);
      if (last === undefined || this.now() - last >= LOG_EVERY_MS) {
        this.lastLog.set(refusal, this.now());
        this.logger.warn({ peer: peer.id, reason: refusal, refused: peer.refusedOffers[refusal] }, 'refused an incoming offer');
      }
    }
    return refusal;
  }

  /** A connection the REST client asks for; throws LIMIT_REACHED or INVALID_PARAMETER. */
  admitOutgoing(peer: GatewayPeer, descriptors: number, metadata: unknown, metadataField: string): void {
    const problem = metadataProblem(metadata, this.limits);
    if (problem) throw GatewayError.invalid(metadataField, problem);
    const limit = this.connectionLimit(peer) ?? (this.affords(descriptors) ? undefined : 'descriptors');
    if (!limit) return;
    const message = {
      peer_connections: `peer ${peer.id} has max_connections_per_peer (${this.limits.maxConnectionsPerPeer}) connections`,
      gateway_connections: `the gateway has max_connections (${this.limits.maxConnections}) connections`,
      descriptors: `the process is close to its limit of ${this.descriptors?.limit} open files; close connections or raise the limit (ulimit -n)`,
    }[limit];
    throw new GatewayError('LIMIT_REACHED', [{ field: 'peer_id', message }]);
  }

  /**
   * A session no peer owns (a WHIP or WHEP client's offer): within max_connections and the
   * descriptor budget, or LIMIT_REACHED (503; retrying later may work).
   */
  admitSession(descriptors: number, field: string): void {
    let message: string | undefined;
    if (this.tables.reduce((n, t) => n + t.counts.live(), 0) >= this.limits.maxConnections) {
      message = `the gateway has max_connections (${this.limits.maxConnections}) connections`;
    } else if (!this.affords(descriptors)) {
      message = `the process is close to its limit of ${this.descriptors?.limit} open files`;
    }
    if (message) throw new GatewayError('LIMIT_REACHED', [{ field, message }]);
  }

  private offerRefusal(peer: GatewayPeer, descriptors: number, metadata: unknown): OfferRefusal | undefined {
    const pending = this.tables.reduce((n, t) => n + t.counts.pendingIncomingOf(peer), 0);
    if (pending >= this.limits.maxPendingOffers) return 'pending_offers';
    const limit = this.connectionLimit(peer);
    if (limit) return limit;
    if (metadataProblem(metadata, this.limits)) return 'metadata';
    if (!this.affords(descriptors)) return 'descriptors';
    return undefined;
  }

  private connectionLimit(peer: GatewayPeer): 'peer_connections' | 'gateway_connections' | undefined {
    if (this.tables.reduce((n, t) => n + t.counts.liveOf(peer), 0) >= this.limits.maxConnectionsPerPeer) return 'peer_connections';
    if (this.tables.reduce((n, t) => n + t.counts.live(), 0) >= this.limits.maxConnections) return 'gateway_connections';
    return undefined;
  }

  /** Connections not yet open may not have opened their sockets: they count as if they had. */
  private affords(descriptors: number): boolean {
    if (!this.descriptors) return true;
    const committed = this.tables.reduce((n, t) => n + t.counts.pending() * t.descriptors, 0);
    return this.descriptors.take(descriptors, committed);
  }
}
