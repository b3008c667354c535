import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { NativeEngine } from '../../native/NativeEngine.js';
import type { MediaTransportSettings } from '../media/MediaConnection.js';
import type { MediaConstraints, MediaRedirects } from '../media/MediaRequest.js';
import { WhipEndpoint } from './WhipEndpoint.js';
import { WhipSession } from './WhipSession.js';

export interface WhipEndpointRegistryOptions {
  readonly engine: NativeEngine;
  readonly transport: MediaTransportSettings;
  /** Endpoints at most (each holds at most one session, so one transport). */
  readonly maxEndpoints: number;
  readonly logger: Logger;
}

/** Every WHIP endpoint by id, bounded; DELETE and gateway stop end their sessions. */
export class WhipEndpointRegistry {
  private readonly endpoints = new Map<string, WhipEndpoint>();
  private closing = false;

  constructor(private readonly options: WhipEndpointRegistryOptions) {}

  get size(): number {
    return this.endpoints.size;
  }

  create(constraints: MediaConstraints, redirects: MediaRedirects): WhipEndpoint {
    if (this.closing) throw new GatewayError('ENGINE_UNAVAILABLE', 'the gateway is shutting down');
    if (this.endpoints.size >= this.options.maxEndpoints) {
      throw new GatewayError('LIMIT_REACHED', [{ field: 'body', message: `at most ${this.options.maxEndpoints} WHIP endpoints exist at once; DELETE one first` }]);
    }
    const endpoint = new WhipEndpoint(constraints, redirects);
    this.endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  get(id: string): WhipEndpoint {
    const endpoint = this.endpoints.get(id);
    if (!endpoint) throw GatewayError.notFound('endpoint_id', id);
    return endpoint;
  }

  /** A publisher's offer: answers it in a new session (409 while one is live). */
  publish(endpoint: WhipEndpoint, offerSdp: string): { session: WhipSession; answer: string } {
    if (this.closing) throw new GatewayError('ENGINE_UNAVAILABLE', 'the gateway is shutting down');
    if (endpoint.liveSession) {
      throw new GatewayError('CONFLICT', [{ field: 'endpoint_id', message: `${endpoint.id} has a live session; DELETE its session URL first` }]);
    }
    const result = WhipSession.answer(
      {
        endpointId: endpoint.id,
        engine: this.options.engine,
        transport: this.options.transport,
        constraints: endpoint.constraints,
        redirects: endpoint.redirects,
        logger: this.options.logger.child({ whip: endpoint.id }),
        onClosed: () => undefined,
      },
      offerSdp,
    );
    endpoint.session = result.session;
    return result;
  }

  /** DELETE /whip/endpoints/{id}: ends its session and forgets it. */
  delete(id: string): void {
    const endpoint = this.get(id);
    endpoint.session?.close('the endpoint was deleted');
    this.endpoints.delete(id);
  }

  closeAll(): void {
    this.closing = true;
    for (const endpoint of this.endpoints.values()) endpoint.session?.close('the gateway is stopping');
    this.endpoints.clear();
  }
}
