import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';

import { GatewayError } from '../../errors/GatewayError.js';
import { parseTrickleFragment, type TrickleFragment } from '../../sdp/parseTrickleFragment.js';
import { SdpError } from '../../sdp/SdpError.js';
import type { IceConfiguration } from '../../session/ice/IceConfiguration.js';
import type { WishEndpoint, WishKind } from '../../session/wish/WishEndpoint.js';
import type { WishEndpointRegistry } from '../../session/wish/WishEndpointRegistry.js';
import type { WishSession } from '../../session/wish/WishSession.js';
import { sendError } from '../errorHandler.js';
import { iceServerLinks } from '../iceServerLinks.js';
import { wishResourcePath } from './wishEndpointRoutes.js';

/** An SDP offer is a few kilobytes; anything far bigger is no offer. */
const parseSdp = express.text({ type: 'application/sdp', limit: '64kb' });

const SDPFRAG = 'application/trickle-ice-sdpfrag';
/** A trickle fragment carries a few candidates (RFC 8840); 16 kB holds far more than a session takes. */
const parseSdpFrag = express.text({ type: SDPFRAG, limit: '16kb' });

const SESSION_METHODS = 'OPTIONS, PATCH, DELETE';

/** Retry-After (seconds) on a 503 for the gateway's limits: a session may well have ended by then. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The resources WHIP publishers (RFC 9725) and WHEP players (draft-ietf-wish-whep) talk to: POST
 * an offer to /whip|whep/{endpoint_id}, DELETE /whip|whep/{endpoint_id}/sessions/{session_id} to
 * stop. Mounted before the API's origin and token checks: any origin may call them (CORS, RFC 9725
 * section 4.7), the endpoint's own bearer token guards them instead.
 */
export function wishResourceRoutes({ wishEndpoints, ice }: { wishEndpoints: WishEndpointRegistry; ice: IceConfiguration }): Router {
  const router = Router();
  for (const kind of ['whip', 'whep'] as const) resourceRoutes(router, kind, wishEndpoints, ice);
  return router;
}

function resourceRoutes(router: Router, kind: WishKind, wishEndpoints: WishEndpointRegistry, ice: IceConfiguration): void {
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
  const fail = (error: unknown, res: Response, next: NextFunction): void => {
    if (error instanceof GatewayError && error.code === 'UNAUTHORIZED') res.setHeader('WWW-Authenticate', `Bearer realm="${kind}"`);
    // RFC 9725 section 4.2: a server that cannot take the session now answers 503 with Retry-After.
    if (error instanceof GatewayError && error.code === 'LIMIT_REACHED') res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    if (error instanceof GatewayError) sendError(res, error);
    else next(error);
  };
  const run = (handler: (req: Request, res: Response, next: NextFunction) => void | Promise<void>): RequestHandler => (req, res, next) => {
    try {
      const done = handler(req, res, next);
      if (done) done.catch((error: unknown) => fail(error, res, next));
    } catch (error) {
      fail(error, res, next);
    }
  };
  /** RFC 9725 section 4.6: the ICE servers a client should use, TURN credentials minted for this endpoint. */
  const linkIceServers = (res: Response, credentialName: string, withTurn: boolean): void => {
    const links = iceServerLinks(ice.forPeer(credentialName, withTurn).browser.ice_servers);
    if (links.length > 0) res.setHeader('Link', links);
  };
  const liveSession = (req: Request, endpoint: WishEndpoint): WishSession => {
    const session = endpoint.session(String(req.params['session_id']));
    if (!session) throw GatewayError.notFound('session_id', String(req.params['session_id']));
    return session;
  };

  router
    .route(`/${kind}/:endpoint_id`)
    .all(resource, commandType(`${name}_OFFER`))
    .options(
      run((req, res) => {
        res.setHeader('Accept-Post', 'application/sdp');
        // RFC 9725 section 4.6: ICE servers on OPTIONS too (whip-client -f reads them there), but not on
        // a CORS preflight; STUN to anyone, TURN credentials only to a caller with the endpoint's token.
        if (req.headers['access-control-request-method'] === undefined) {
          let endpoint: WishEndpoint | undefined;
          try {
            endpoint = authorized(req);
          } catch {
            endpoint = undefined;
          }
          linkIceServers(res, endpoint?.id ?? kind, endpoint !== undefined);
        }
        res.status(204).end();
      }),
    )
    .post(
      // The token first (401), then the content type (415): who may not post learns nothing more.
      run((req, _res, next) => {
        authorized(req);
        next();
      }),
      (req, res, next) => (req.is('application/sdp') ? next() : sendError(res, new GatewayError('UNSUPPORTED_MEDIA_TYPE', [{ field: 'content-type', message: `a ${name} offer is Content-Type: application/sdp` }]))),
      parseSdp,
      run(async (req, res) => {
        const endpoint = authorized(req);
        const offer = typeof req.body === 'string' ? req.body : '';
        if (!offer.trim()) throw GatewayError.invalid('sdp', 'the body is empty: POST the SDP offer');
        const { session, answer } = await wishEndpoints.open(endpoint, offer);
        res.setHeader('Location', `${wishResourcePath(kind, endpoint.id)}/sessions/${session.id}`);
        res.setHeader('ETag', session.etag);
        linkIceServers(res, endpoint.id, true);
        res.setHeader('Content-Type', 'application/sdp');
        res.status(201).send(answer);
      }),
    )
    .all((_req, res) => refuseMethod(res, 'OPTIONS, POST'));

  router
    .route(`/${kind}/:endpoint_id/sessions/:session_id`)
    .all(resource, commandType(`${name}_SESSION`))
    .options((_req, res) => {
      res.setHeader('Allow', SESSION_METHODS);
      res.setHeader('Accept-Patch', SDPFRAG);
      res.status(204).end();
    })
    .patch(
      // As POST: the token (401), the session (404), then the content type (415).
      run((req, _res, next) => {
        liveSession(req, authorized(req));
        next();
      }),
      (req, res, next) => (req.is(SDPFRAG) ? next() : sendError(res, new GatewayError('UNSUPPORTED_MEDIA_TYPE', [{ field: 'content-type', message: `a PATCH is Content-Type: ${SDPFRAG}` }]))),
      parseSdpFrag,
      run((req, res) => {
        const session = liveSession(req, authorized(req));
        patchSession(session, typeof req.body === 'string' ? req.body : '', req.headers['if-match'], res);
      }),
    )
    .delete(
      run((req, res) => {
        const session = liveSession(req, authorized(req));
        session.close(`the ${kind === 'whip' ? 'publisher' : 'player'} deleted the session`);
        res.status(200).end();
      }),
    )
    .all((_req, res) => refuseMethod(res, SESSION_METHODS));
}

/**
 * RFC 9725 section 4.3.1: a PATCH is conditional. No If-Match: 428 (RFC 6585 section 3).
 * An ICE restart (new ufrag/pwd, section 4.4) must come with If-Match "*": restarted, 200 with
 * our new credentials and candidates and a new ETag. New credentials under any other If-Match
 * are 412: an entity tag names an ICE session, and the fragment's credentials are not those of
 * the session it names (an old one, or a client that has not seen a restart's answer yet).
 * Trickle: If-Match must be "*" or the session's entity-tag, else 412 (a PATCH for an older ICE
 * session); 204.
 */
function patchSession(session: WishSession, body: string, ifMatch: string | undefined, res: Response): void {
  let fragment: TrickleFragment;
  try {
    fragment = parseTrickleFragment(body);
  } catch (error) {
    if (error instanceof SdpError) throw GatewayError.invalid('sdpfrag', error.message);
    throw error;
  }
  if (ifMatch === undefined || !ifMatch.trim()) {
    throw new GatewayError('PRECONDITION_REQUIRED', [{ field: 'if-match', message: `a PATCH needs If-Match: the session's ETag ${session.etag} (trickle) or "*" (ICE restart)` }]);
  }
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (session.isIceRestart(fragment)) {
    if (!tags.includes('*')) {
      throw new GatewayError('PRECONDITION_FAILED', [{ field: 'if-match', message: `an ICE restart (new ice-ufrag/ice-pwd) is sent with If-Match: "*" (RFC 9725 section 4.4); the session's ETag is ${session.etag}` }]);
    }
    const restarted = session.restartIce(fragment);
    res.setHeader('ETag', restarted.etag);
    res.setHeader('Content-Type', SDPFRAG);
    res.status(200).send(restarted.fragment);
    return;
  }
  if (!tags.includes('*') && !tags.includes(session.etag)) {
    throw new GatewayError('PRECONDITION_FAILED', [{ field: 'if-match', message: `the session's ETag is ${session.etag}` }]);
  }
  session.trickle(fragment);
  res.status(204).end();
}

/** Any origin (the token guards the resource); the headers a WHIP or WHEP client sends and reads. */
function cors(res: Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'OPTIONS, POST, PATCH, DELETE');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-Match');
  res.setHeader('Access-Control-Expose-Headers', 'Location, ETag, Link, Accept-Post, Accept-Patch, Retry-After');
  res.setHeader('Access-Control-Max-Age', '600');
}

function refuseMethod(res: Response, allowed: string): void {
  res.setHeader('Allow', allowed);
  sendError(res, new GatewayError('METHOD_NOT_ALLOWED', [{ field: 'method', message: `allowed here: ${allowed}` }]));
}
