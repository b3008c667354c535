import { createHash, timingSafeEqual } from 'node:crypto';

import type { RequestHandler } from 'express';

import { GatewayError } from '../../errors/GatewayError.js';
import { sendError } from '../errorHandler.js';

/**
 * `api_token`: every request must carry `Authorization: Bearer <token>` (RFC 6750 section 2.1),
 * except the demo page's static files, which a browser loads by navigation and which hold no
 * secret. Compared in constant time, through digests so lengths do not leak either.
 */
export function bearerToken(token: string, exempt: (path: string) => boolean): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    if (exempt(req.path)) {
      next();
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (match && timingSafeEqual(digest(match[1]!), expected)) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="webrtc-gateway"');
    sendError(
      res,
      new GatewayError('UNAUTHORIZED', [
        { field: 'authorization', message: match ? 'the bearer token is not the api_token' : 'this API needs Authorization: Bearer <api_token>' },
      ]),
    );
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
