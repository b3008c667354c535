import { isIP } from 'node:net';

import type { RequestHandler } from 'express';

import { GatewayError } from '../../errors/GatewayError.js';
import { sendError } from '../errorHandler.js';

/**
 * The host name of a Host header ("name", "name:port", "[v6]", "[v6]:port"), lower case, or
 * undefined when it is not one of those shapes.
 */
export function hostNameOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^(?:\[([0-9a-f:.]+)\]|([^\s:[\]]+))(?::\d{1,5})?$/i.exec(header);
  if (!match) return undefined;
  return (match[1] ?? match[2]!).toLowerCase().replace(/\.$/, '');
}

/**
 * DNS rebinding defence: a page on evil.example whose name is made to resolve to 127.0.0.1 sends
 * requests with `Host: evil.example`. Only IP literals, localhost and the configured names are
 * answered; anything else gets 421 before any route runs.
 */
export function allowedHost(allowedHosts: readonly string[]): RequestHandler {
  const allowed = new Set(['localhost', ...allowedHosts]);
  return (req, res, next) => {
    const host = hostNameOf(req.headers.host);
    if (host !== undefined && (isIP(host) !== 0 || allowed.has(host))) {
      next();
      return;
    }
    sendError(
      res,
      new GatewayError('MISDIRECTED_HOST', [
        {
          field: 'host',
          message: `the API does not answer to Host ${JSON.stringify(req.headers.host ?? '')}; use an IP address or localhost, or add the name to api_allowed_hosts`,
        },
      ]),
    );
  };
}
