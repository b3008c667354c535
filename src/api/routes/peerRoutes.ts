import { Router, type Request } from 'express';
import { z } from 'zod';

import { GatewayError } from '../../errors/GatewayError.js';
import type { IceConfiguration } from '../../session/ice/IceConfiguration.js';
import type { PeerRegistry } from '../../session/peers/PeerRegistry.js';
import { MAX_TTL, MIN_TTL } from '../../signaling/PeerCredential.js';
import { isValidPeerId } from '../../signaling/protocol.js';
import { endpoint } from '../endpoint.js';
import { answerLongPoll } from '../longPoll.js';
import { validateBody } from '../validateBody.js';

export interface PeerRoutesDeps {
  readonly peers: PeerRegistry;
  readonly eventTimeoutMs: number;
  /** What GET /peers/{id}/ice_servers hands out. */
  readonly ice: IceConfiguration;
}

/** Unix time in seconds stays below this until the year 2286; a millisecond one is far above. */
const MAX_TIMESTAMP_SECONDS = 9_999_999_999;

/** PeerCredential in the spec. */
const credential = z.object({
  timestamp: z
    .number()
    .int()
    .nonnegative()
    .max(MAX_TIMESTAMP_SECONDS, 'timestamp must be Unix time in seconds (this looks like milliseconds)'),
  ttl: z.number().int().min(MIN_TTL).max(MAX_TTL),
  authToken: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'authToken must be base64').max(256),
});

/** PeerOptions in the spec. */
const peerOptions = z.object({
  key: z.string().min(1).max(256),
  domain: z.string().min(1).max(253),
  peer_id: z
    .string()
    .refine(isValidPeerId, 'peer_id may only hold letters, digits and "+", joined by single spaces, "-" or "_" (the PeerJS rule, with "+")')
    .optional(),
  turn: z.boolean().optional(),
  credential: credential.optional(),
});

const token = (req: Request): string | undefined => (typeof req.query['token'] === 'string' ? req.query['token'] : undefined);
const peerId = (req: Request): string => String(req.params['peer_id']);

/**
 * The peer endpoints: POST /peers (answered once the signaling server has bound the id, 403 when
 * it refuses the key or credential, 400 when the id is taken), DELETE /peers/{id}, GET /peers/{id}/events (long poll),
 * GET /peers/{id}/status, PUT /peers/{id}/credential, and ours: GET /peers/{id}/ice_servers.
 */
export function peerRoutes({ peers, eventTimeoutMs, ice }: PeerRoutesDeps): Router {
  const router = Router();

  endpoint(router, 'post', '/peers', 'PEERS_CREATE', async (req, res) => {
    const body = validateBody(peerOptions, req.body);
    const peer = await peers.create({
      key: body.key,
      domain: body.domain,
      peerId: body.peer_id,
      turn: body.turn ?? true,
      credential: body.credential,
    });
    res.status(201).json({ command_type: 'PEERS_CREATE', params: { peer_id: peer.id, token: peer.token } });
  });

  endpoint(router, 'delete', '/peers/:peer_id', 'PEERS_DELETE', (req, res) => {
    peers.delete(peerId(req), token(req));
    res.status(204).end();
  });

  endpoint(router, 'get', '/peers/:peer_id/events', 'PEERS_EVENTS', async (req, res) => {
    const peer = peers.get(peerId(req), token(req));
    // A peer closed by an error stays readable until its last events are taken.
    const source = { events: peer.events, ended: () => peer.isClosed, gone: () => GatewayError.notFound('peer_id', peer.id) };
    await answerLongPoll(res, source, eventTimeoutMs);
  });

  endpoint(router, 'get', '/peers/:peer_id/status', 'PEERS_STATUS', (req, res) => {
    const peer = peers.get(peerId(req), token(req));
    // Ours beside the SkyWay fields: incoming offers a limit refused (docs/SECURITY.md).
    res.status(200).json({ peer_id: peer.id, disconnected: peer.disconnected, refused_offers: peer.refusedOffers });
  });

  endpoint(router, 'put', '/peers/:peer_id/credential', 'PEERS_CREDENTIAL_UPDATE', (req, res) => {
    const peer = peers.get(peerId(req), token(req));
    const body = validateBody(credential, req.body);
    // Without authentication there is nothing to renew: accepted and ignored, as the spec says.
    if (peer.usesCredential) peer.renewCredential(body);
    res.status(200).json({ command_type: 'PEERS_CREDENTIAL_UPDATE', params: { credential: body } });
  });

  endpoint(router, 'get', '/peers/:peer_id/ice_servers', 'PEERS_ICE_SERVERS', (req, res) => {
    const peer = peers.get(peerId(req), token(req));
    // RTCIceServer entries for a page that talks to this peer: the URLs as configured, TURN
    // credentials minted for it now (never the secret); none for a turn: false peer.
    res.set('cache-control', 'no-store').status(200).json(ice.forPeer(peer.id, peer.turn).browser);
  });

  return router;
}
