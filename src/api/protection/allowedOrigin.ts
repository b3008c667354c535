import type { Request, RequestHandler } from 'express';

import { GatewayError } from '../../errors/GatewayError.js';
import { sendError } from '../errorHandler.js';

const CORS_METHODS = 'GET, POST, PUT, DELETE';
const CORS_HEADERS = 'Content-Type, Authorization';

/**
 * Cross-site request forgery defence. Browsers send `Origin` with every cross-origin request and
 * with every POST, PUT and DELETE, even the "simple" ones (a text/plain POST) that CORS lets
 * through without asking: such a request is refused unless it comes from the API's own origin
 * (the demo page) or one of `allowedOrigins`, which also get CORS answers. A request without
 * `Origin` (curl, the Ruby samples, a server) is not a page's, except when `Sec-Fetch-Site` says
 * a browser sent it from another site (an <img> or <script> GET).
 */
export function allowedOrigin(allowedOrigins: readonly string[], openToNavigation: (path: string) => boolean): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined) {
      const site = req.headers['sec-fetch-site'];
      // A link from another site to a static page (the demo) is a plain navigation, not a forgery.
      const navigation = req.method === 'GET' && req.headers['sec-fetch-mode'] === 'navigate' && openToNavigation(req.path);
      if (site === undefined || site === 'same-origin' || site === 'none' || navigation) {
        next();
        return;
      }
      refuse(res, `a browser sent this request from another site (Sec-Fetch-Site: ${String(site)}) without an Origin`);
      return;
    }
    if (isOwnOrigin(origin, req)) {
      next();
      return;
    }
    if (!allowed.has(origin)) {
      refuse(res, `pages of ${JSON.stringify(origin)} may not call this API; add the origin to api_allowed_origins to allow it`);
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', CORS_METHODS);
      res.setHeader('Access-Control-Allow-Headers', CORS_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/**
 * The API's own origin: the Host the request was sent to, over http (direct) or https (a TLS
 * proxy in front that keeps the Host). A hostile page cannot have either origin: it would have
 * to be served from this very host and port, and foreign Host names were refused before.
 */
function isOwnOrigin(origin: string, req: Request): boolean {
  const host = req.headers.host?.toLowerCase();
  const o = origin.toLowerCase();
  return host !== undefined && (o === `http://${host}` || o === `https://${host}`);
}

function refuse(res: Parameters<RequestHandler>[1], message: string): void {
  sendError(res, new GatewayError('ORIGIN_NOT_ALLOWED', [{ field: 'origin', message }]));
}
