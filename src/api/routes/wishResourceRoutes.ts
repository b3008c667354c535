import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';

import { GatewayError } from '../../errors/GatewayError.js';
import type { WishEndpoint, WishKind } from '../../session/wish/WishEndpoint.js';
import type { WishEndpointRegistry } from '../../session/wish/WishEndpointRegistry.js';
import { sendError } from '../errorHandler.js';
import { wishResourcePath } from './wishEndpointRoutes.js';

/** An SDP offer is a few kilobytes; anything far bigger is no offer. */
const parseSdp = express.text({ type: 'application/sdp', limit: '64kb' });

/**
 * The resources WHIP publishers (RFC 9725) and WHEP players (draft-ietf-wish-whep) talk to: POST
 * an offer to /whip|whep/{endpoint_id}, DELETE /whip|whep/{endpoint_id}/sessions/{session_id} to
 * stop. Mounted before the API's origin and token checks: any origin may call them (CORS, RFC 9725
 * section 4.7), the endpoint's own bearer token guards them instead.
 */
export function wishResourceRoutes({ wishEndpoints }: { wishEndpoints: WishEndpointRegistry }): Router {
  const router = Router();
  for (const kind of ['whip', 'whep'] as const) resourceRoutes(router, kind, wishEndpoints);
  return router;
}

function resourceRoutes(router: Router, kind: WishKind, wishEndpoints: WishEndpointRegistry): void {
  const name = kind.toUpperCase();
  const commandType = (type: string): RequestHandler => (_req, res, next) => {
    res.locals['commandType'] = type;
    cors(res);
    next();
  };
  // /whip|whep/endpoints is the control API's; resource ids all start with "wi-" or "we-".
  const idPrefix = kind === 'whip' ? 'wi-' : 'we-';
  const resource = (req: Request, _res: Response, next: NextFunction): void => next(String(req.params['endpoint_id']).startsWith(idPrefix) ? undefined : 'route');
  const authorized = (req: Request): WishEndpoint => {
    const id = String(req.params['endpoint_id']);
    let endpoint: WishEndpoint | undefined;
    try {
      endpoint = wishEndpoints.get(kind, id);
    } catch {
      endpoint = undefined;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    // Unknown endpoint and wrong token answer alike: a token-less caller learns nothing.
    if (!endpoint || !match || !endpoint.accepts(match[1]!)) {
      throw new GatewayError('UNAUTHORIZED', [{ field: 'authorization', message: match ? 'the bearer token is not this endpoint\'s' : `${name} needs Authorization: Bearer <token>` }]);
    }
    return endpoint;
  };
  const run = (handler: (req: Request, res: Response, next: NextFunction) => void): RequestHandler => (req, res, next) => {
    try {
      handler(req, res, next);
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'UNAUTHORIZED') res.setHeader('WWW-Authenticate', `Bearer realm="${kind}"`);
      if (error instanceof GatewayError) sendError(res, error);
      else next(error);
    }
  };

  router
    .route(`/${kind}/:endpoint_id`)
    .all(resource, commandType(`${name}_OFFER`))
    .options((_req, res) => {
      res.setHeader('Accept-Post', 'application/sdp');
      res.status(204).end();
    })
    .post(
      // The token first (401), then the content type (415): who may not post learns nothing more.
      run((req, _res, next) => {
        authorized(req);
        next();
      }),
      (req, res, next) => (req.is('application/sdp') ? next() : sendError(res, new GatewayError('UNSUPPORTED_MEDIA_TYPE', [{ field: 'content-type', message: `a ${name} offer is Content-Type: application/sdp` }]))),
      parseSdp,
      run((req, res) => {
        const endpoint = authorized(req);
        const offer = typeof req.body === 'string' ? req.body : '';
        if (!offer.trim()) throw GatewayError.invalid('sdp', 'the body is empty: POST the SDP offer');
        const { session, answer } = wishEndpoints.open(endpoint, offer);
        res.setHeader('Location', `${wishResourcePath(kind, endpoint.id)}/sessions/${session.id}`);
        res.setHeader('ETag', session.etag);
        res.setHeader('Content-Type', 'application/sdp');
        res.status(201).send(answer);
      }),
    )
    .all((_req, res) => refuseMethod(res, 'OPTIONS, POST'));

  router
    .route(`/${kind}/:endpoint_id/sessions/:session_id`)
    .all(resource, commandType(`${name}_SESSION`))
    .options((_req, res) => res.status(204).end())
    .delete(
      run((req, res) => {
        const endpoint = authorized(req);
        const session = endpoint.session(String(req.params['session_id']));
        if (!session) throw GatewayError.notFound('session_id', String(req.params['session_id']));
        session.close(`the ${kind === 'whip' ? 'publisher' : 'player'} deleted the session`);
        res.status(200).end();
      }),
    )
    .all((_req, res) => refuseMethod(res, 'OPTIONS, DELETE'));
}

/** Any origin (the token guards the resource); the headers a WHIP or WHEP client sends and reads. */
function cors(res: Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'OPTIONS, POST, DELETE');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-Match');
  res.setHeader('Access-Control-Expose-Headers', 'Location, ETag, Link, Accept-Post');
  res.setHeader('Access-Control-Max-Age', '600');
}

function refuseMethod(res: Response, allowed: string): void {
  res.setHeader('Allow', allowed);
  sendError(res, new GatewayError('METHOD_NOT_ALLOWED', [{ field: 'method', message: `allowed here: ${allowed}` }]));
}
