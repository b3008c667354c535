import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { NativeEngine } from '../../native/NativeEngine.js';
import type { ConnectionAdmission, ConnectionCounts } from '../limits/ConnectionAdmission.js';
import type { MediaTransportSettings } from '../media/MediaConnection.js';
import type { MediaConstraints, MediaRedirects } from '../media/MediaRequest.js';
import { WishEndpoint, type WishKind } from './WishEndpoint.js';
import { WishSession } from './WishSession.js';

export interface WishEndpointRegistryOptions {
  readonly engine: NativeEngine;
  readonly transport: MediaTransportSettings;
  /** Endpoints of both kinds at most. */
  readonly maxEndpoints: number;
  /** Live sessions count toward max_connections and the descriptor budget. */
  readonly admission?: ConnectionAdmission;
  /** Descriptors one session's native transport opens. */
  readonly descriptorsPerSession?: number;
  /** A session not connected this long after its answer closes (offer_timeout_ms). */
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
}

/** Every WHIP and WHEP endpoint by id, bounded; DELETE and gateway stop end their sessions. */
export class WishEndpointRegistry {
  private readonly endpoints = new Map<string, WishEndpoint>();
  private closing = false;

  constructor(private readonly options: WishEndpointRegistryOptions) {
    // No peer owns a WHIP/WHEP session: it counts toward the gateway's limits only.
    const counts: ConnectionCounts = {
      live: () => this.liveSessions((s) => s.state !== 'closed'),
      liveOf: () => 0,
      pending: () => this.liveSessions((s) => s.state === 'connecting'),
      pendingIncomingOf: () => 0,
    };
    options.admission?.track(counts, options.descriptorsPerSession ?? 0);
  }

  private liveSessions(counted: (s: WishSession) => boolean): number {
    let n = 0;
    for (const endpoint of this.endpoints.values()) for (const s of endpoint.sessions()) if (counted(s)) n++;
    return n;
  }

  get size(): number {
    return this.endpoints.size;
  }

  create(kind: WishKind, constraints: MediaConstraints, redirects: MediaRedirects, maxSessions: number): WishEndpoint {
    if (this.closing) throw new GatewayError('ENGINE_UNAVAILABLE', 'the gateway is shutting down');
    if (this.endpoints.size >= this.options.maxEndpoints) {
      throw new GatewayError('LIMIT_REACHED', [{ field: 'body', message: `at most ${this.options.maxEndpoints} WHIP and WHEP endpoints exist at once; DELETE one first` }]);
    }
    const endpoint = new WishEndpoint(kind, constraints, redirects, maxSessions);
    this.endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  /** The endpoint `id` of `kind` (another kind's id is not found here). */
  get(kind: WishKind, id: string): WishEndpoint {
    const endpoint = this.endpoints.get(id);
    if (!endpoint || endpoint.kind !== kind) throw GatewayError.notFound('endpoint_id', id);
    return endpoint;
  }

  /**
   * A client's offer: answers it in a new session (409 when the endpoint has maxSessions live).
   * The session counts (limits, the endpoint's sessions, DELETE) from its transport's start,
   * while the answer may still wait for candidates.
   */
  async open(endpoint: WishEndpoint, offerSdp: string): Promise<{ session: WishSession; answer: string }> {
    if (this.closing) throw new GatewayError('ENGINE_UNAVAILABLE', 'the gateway is shutting down');
    if (endpoint.liveSessions >= endpoint.maxSessions) {
      const message =
        endpoint.maxSessions === 1
          ? `${endpoint.id} has a live session; DELETE its session URL first`
          : `${endpoint.id} has ${endpoint.maxSessions} live sessions, its most`;
      throw new GatewayError('CONFLICT', [{ field: 'endpoint_id', message }]);
    }
    this.options.admission?.admitSession(this.options.descriptorsPerSession ?? 0, 'sdp');
    const session = WishSession.offered(
      {
        endpointId: endpoint.id,
        kind: endpoint.kind,
        engine: this.options.engine,
        transport: this.options.transport,
        constraints: endpoint.constraints,
        redirects: endpoint.redirects,
        logger: this.options.logger.child({ endpoint: endpoint.id }),
        onClosed: (session) => endpoint.retire(session),
        onEvent: (event) => endpoint.events.push(event),
        connectTimeoutMs: this.options.connectTimeoutMs,
      },
      offerSdp,
    );
    endpoint.add(session);
    return { session, answer: await session.answer() };
  }

  /** DELETE /whip|whep/endpoints/{id}: ends its sessions and forgets it. */
  delete(kind: WishKind, id: string): void {
    const endpoint = this.get(kind, id);
    endpoint.closeAll('the endpoint was deleted');
    this.endpoints.delete(id);
  }

  closeAll(): void {
    this.closing = true;
    for (const endpoint of this.endpoints.values()) endpoint.closeAll('the gateway is stopping');
    this.endpoints.clear();
  }
}
