import type { Request, Router } from 'express';

import { GatewayError } from '../../errors/GatewayError.js';
import type { EventQueue } from '../../session/events/EventQueue.js';
import type { PeerRegistry } from '../../session/peers/PeerRegistry.js';
import type { PortRegistry } from '../../session/ports/PortRegistry.js';
import type { RedirectPolicy } from '../../session/redirect/RedirectPolicy.js';
import { endpoint } from '../endpoint.js';
import { answerLongPoll } from '../longPoll.js';

/** What the Data- and MediaConnection routers both need, beside their registry. */
export interface ConnectionRoutesDeps {
  readonly peers: PeerRegistry;
  readonly ports: PortRegistry;
  readonly redirects: RedirectPolicy;
  readonly eventTimeoutMs: number;
}

/** What the shared endpoints need of a Data- or MediaConnection. */
export interface RestConnection<Event> {
  readonly id: string;
  readonly state: string;
  readonly events: EventQueue<Event>;
  status(): unknown;
}

export interface ConnectionEndpointsOptions<C> {
  /** "/data/connections" or "/media/connections". */
  readonly path: string;
  /** The REST field and path parameter naming a connection: "data_connection_id" or "media_connection_id". */
  readonly idField: string;
  /** "DATA_CONNECTION" or "MEDIA_CONNECTION": the command types are <prefix>_EVENTS and <prefix>_STATUS. */
  readonly commandPrefix: string;
  readonly connections: { get(id: string): C };
  readonly eventTimeoutMs: number;
}

/** The id in the request's path. */
export function connectionIdOf(req: Request, idField: string): string {
  return String(req.params[idField]);
}

/** The connection with this id while it is not closed; NOT_FOUND otherwise. */
export function liveConnection<C extends { readonly state: string }>(connections: { get(id: string): C }, idField: string, id: string): C {
  const connection = connections.get(id);
  if (connection.state === 'closed') throw new GatewayError('NOT_FOUND', [{ field: idField, message: `${id} has closed` }]);
  return connection;
}

/** GET {path}/{id}/events (long poll) and GET {path}/{id}/status, the same for both kinds. */
export function connectionReadEndpoints<Event, C extends RestConnection<Event>>(router: Router, o: ConnectionEndpointsOptions<C>): void {
  endpoint(router, 'get', `${o.path}/:${o.idField}/events`, `${o.commandPrefix}_EVENTS`, async (req, res) => {
    const connection = o.connections.get(connectionIdOf(req, o.idField));
    const source = {
      events: connection.events,
      ended: () => connection.state === 'closed',
      gone: () => GatewayError.notFound(o.idField, connection.id),
    };
    await answerLongPoll(res, source, o.eventTimeoutMs);
  });
  endpoint(router, 'get', `${o.path}/:${o.idField}/status`, `${o.commandPrefix}_STATUS`, async (req, res) => {
    res.status(200).json(await o.connections.get(connectionIdOf(req, o.idField)).status());
  });
}
