import { Router, type Request } from 'express';
import { z } from 'zod';

import { GatewayError } from '../../errors/GatewayError.js';
import type { DataConnection } from '../../session/data/DataConnection.js';
import type { DataConnectionEvent } from '../../session/data/DataConnectionEvent.js';
import type { DataConnectionRegistry } from '../../session/data/DataConnectionRegistry.js';
import { SERIALIZATIONS, type SerializationName } from '../../session/data/serialization/DataSerialization.js';
import type { NativeUdpPort } from '../../session/ports/NativeUdpPort.js';
import { dataChannelInit } from '../../signaling/connectionPayloads.js';
import { isValidPeerId } from '../../signaling/protocol.js';
import { command } from '../command.js';
import { methodNotAllowed } from '../errorHandler.js';
import { validateBody } from '../validateBody.js';
import { endpoint } from '../endpoint.js';
import { connectionIdOf, connectionReadEndpoints, liveConnection, type ConnectionRoutesDeps } from './connectionEndpoints.js';

export interface DataConnectionRoutesDeps extends ConnectionRoutesDeps {
  readonly dataConnections: DataConnectionRegistry;
}

/** DataConnectionRedirectOptions: ip_v4 or ip_v6 (ip_v4 wins when both are given) and a port. */
const redirectOptions = z
  .object({ ip_v4: z.ipv4().optional(), ip_v6: z.ipv6().optional(), port: z.number().int().min(1).max(65535) })
  .refine((o) => o.ip_v4 !== undefined || o.ip_v6 !== undefined, { message: 'ip_v4 or ip_v6 is required', path: ['ip_v4'] });

const serialization = z.enum(Object.keys(SERIALIZATIONS) as [SerializationName, ...SerializationName[]]);

/** PeerConnectOptions. */
const connectOptions = z.object({
  peer_id: z.string().min(1),
  token: z.string().min(1),
  target_id: z.string().refine(isValidPeerId, 'target_id is not a valid peer id'),
  options: z
    .object({ metadata: z.unknown().optional(), serialization: serialization.optional(), dcInit: dataChannelInit.optional() })
    .optional(),
  params: z.object({ data_id: z.string().min(1).optional() }).optional(),
  redirect_params: redirectOptions.optional(),
});

/** DataConnectionPutOptions. */
const putOptions = z.object({
  feed_params: z.object({ data_id: z.string().min(1) }).optional(),
  redirect_params: redirectOptions.optional(),
});

/**
 * The DataConnection endpoints: POST /data/connections, PUT and DELETE
 * /data/connections/{id}, GET .../events (long poll) and .../status. Mounted before the data
 * port routes, so "connections" is never taken for a data_id.
 */
export function dataConnectionRoutes({ peers, ports, dataConnections, redirects, eventTimeoutMs }: DataConnectionRoutesDeps): Router {
  const router = Router();
  const dataPort = (id: string, field: string): NativeUdpPort => {
    try {
      return ports.get(id, ['data']) as NativeUdpPort;
    } catch {
      throw GatewayError.notFound(field, id);
    }
  };
  const idField = 'data_connection_id';
  const id = (req: Request): string => connectionIdOf(req, idField);

  // api.yaml names DATA_CONNECTION_CREATE for errors, PEERS_CONNECT for the 202 (PeerConnectResponse).
  endpoint(router, 'post', '/data/connections', 'DATA_CONNECTION_CREATE', async (req, res) => {
    const body = validateBody(connectOptions, req.body);
    const peer = peers.get(body.peer_id, body.token);
    if (body.target_id === peer.id) throw GatewayError.invalid('target_id', 'a peer cannot connect to itself');
    const feed = body.params?.data_id === undefined ? undefined : dataPort(body.params.data_id, 'params.data_id');
    const connection = await dataConnections.connect(peer, {
      targetId: body.target_id,
      metadata: body.options?.metadata,
      serialization: body.options?.serialization ?? 'BINARY',
      dcInit: body.options?.dcInit ?? {},
      feed,
      redirect: body.redirect_params ? redirects.target(body.redirect_params, 'redirect_params') : undefined,
    });
    // PeerConnectResponse requires data_port (untyped): the number of the data port feeding the connection.
    res.status(202).json({ command_type: 'PEERS_CONNECT', params: { data_connection_id: connection.id, data_port: feed?.port ?? null } });
  });

  router
    .route(`/data/connections/:${idField}`)
    .put(
      command('DATA_CONNECTION_PUT', (req, res) => {
        const connection = liveConnection(dataConnections, idField, id(req));
        const body = validateBody(putOptions, req.body);
        const redirect = body.redirect_params && redirects.target(body.redirect_params, 'redirect_params');
        if (body.feed_params) connection.setFeed(dataPort(body.feed_params.data_id, 'feed_params.data_id'));
        if (redirect) connection.setRedirect(redirect);
        // data_id is a string in api.yaml: left out while no port feeds the connection.
        res.status(200).json({ command_type: 'DATA_CONNECTION_PUT', ...(connection.feed && { data_id: connection.feed.id }) });
      }),
    )
    .delete(
      command('DATA_CONNECTION_DELETE', (req, res) => {
        dataConnections.delete(id(req));
        res.status(204).end();
      }),
    )
    .all(methodNotAllowed(['PUT', 'DELETE'], 'DATA_CONNECTION'));

  connectionReadEndpoints<DataConnectionEvent, DataConnection>(router, { path: '/data/connections', idField, commandPrefix: 'DATA_CONNECTION', connections: dataConnections, eventTimeoutMs });

  return router;
}
