import { Router, type Request } from 'express';
import { z } from 'zod';

import { GatewayError } from '../../errors/GatewayError.js';
import type { WishEndpoint } from '../../session/wish/WishEndpoint.js';
import type { WishEndpointRegistry } from '../../session/wish/WishEndpointRegistry.js';
import type { WishSession } from '../../session/wish/WishSession.js';
import { endpoint } from '../endpoint.js';
import { answerLongPoll } from '../longPoll.js';
import { validateBody } from '../validateBody.js';

export interface WishSessionRoutesDeps {
  readonly wishEndpoints: WishEndpointRegistry;
  readonly eventTimeoutMs: number;
}

const pliOptions = z.object({ session_id: z.string().optional() });

/**
 * The control API's view of WHIP and WHEP sessions (behind the API's host, origin and token checks),
 * the same for both kinds: GET /{kind}/endpoints/{id}/events (long poll of READY, STREAM, CLOSE,
 * ERROR with the session id), GET …/sessions/{sid}/status and …/stats, POST …/pli.
 */
export function wishSessionRoutes({ wishEndpoints, eventTimeoutMs }: WishSessionRoutesDeps): Router {
  const router = Router();
  for (const kind of ['whip', 'whep'] as const) {
    const name = kind.toUpperCase();
    const base = `/${kind}/endpoints/:endpoint_id`;
    const endpointOf = (req: Request): WishEndpoint => wishEndpoints.get(kind, String(req.params['endpoint_id']));
    const sessionOf = (req: Request): WishSession => {
      const id = String(req.params['session_id']);
      const session = endpointOf(req).sessions().find((s) => s.id === id);
      if (!session) throw GatewayError.notFound('session_id', id);
      return session;
    };

    endpoint(router, 'get', `${base}/events`, `${name}_ENDPOINT_EVENTS`, async (req, res) => {
      const e = endpointOf(req);
      await answerLongPoll(res, { events: e.events, ended: () => e.deleted, gone: () => GatewayError.notFound('endpoint_id', e.id) }, eventTimeoutMs);
    });
    endpoint(router, 'get', `${base}/sessions/:session_id/status`, `${name}_SESSION_STATUS`, (req, res) => {
      res.status(200).json(sessionOf(req).detailedStatus());
    });
    endpoint(router, 'get', `${base}/sessions/:session_id/stats`, `${name}_SESSION_STATS`, (req, res) => {
      res.status(200).json(sessionOf(req).stats());
    });
    // A keyframe request to the publisher: WHIP only (a WHEP player sends nothing to ask).
    if (kind === 'whip') {
      endpoint(router, 'post', `${base}/pli`, 'WHIP_ENDPOINT_PLI', (req, res) => {
        const e = endpointOf(req);
        const { session_id: wanted } = validateBody(pliOptions, req.body);
        const live = e.sessions().filter((s) => s.state !== 'closed' && (wanted === undefined || s.id === wanted));
        if (wanted !== undefined && live.length === 0) throw GatewayError.notFound('session_id', wanted);
        const sent = live.filter((s) => s.requestKeyframe()).length;
        if (sent === 0) throw GatewayError.invalid('endpoint_id', 'no PLI sent: no publisher is connected or it sends no video');
        res.status(201).json({ sent });
      });
    }
  }
  return router;
}
