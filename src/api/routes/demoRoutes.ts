import { createRequire } from 'node:module';
import { join } from 'node:path';

import { Router } from 'express';

import { PACKAGE_ROOT } from '../../native/packageRoot.js';
import type { RtcIceServer } from '../../session/ice/IceConfiguration.js';

/** What the demo page needs to reach the signaling server (peerjs's connection options). */
export interface DemoSignaling {
  /** Undefined when the server listens on every address: the page then uses its own host. */
  readonly host: string | undefined;
  readonly port: number;
  readonly path: string;
  readonly secure: boolean;
  readonly key: string;
  /** The gateway's STUN and TURN servers, TURN credentials minted for the page (never the secret). */
  readonly iceServers: readonly RtcIceServer[];
}

/**
 * peerjs options for a ws:// or wss:// signaling URL. `anyHost`: the server listens on every
 * address, so the page should use the host it was loaded from (the URL then names loopback).
 */
export function demoSignalingFor(
  url: string,
  o: { key: string; anyHost: boolean; iceServers: readonly RtcIceServer[] },
): DemoSignaling {
  const u = new URL(url);
  const secure = u.protocol === 'wss:';
  return {
    // An IPv6 host keeps its brackets: peerjs puts it straight into ws://host:port.
    host: o.anyHost ? undefined : u.hostname,
    port: u.port ? Number(u.port) : secure ? 443 : 80,
    path: u.pathname,
    secure,
    key: o.key,
    iceServers: o.iceServers,
  };
}

/** The files served, by path under /demo; resolved when the demo is turned on, not at import. */
function demoFiles(): Record<string, string> {
  const dir = join(PACKAGE_ROOT, 'examples', 'demo');
  return {
    '/': join(dir, 'index.html'),
    '/demo.js': join(dir, 'demo.js'),
    // A WHEP player and a WHIP publisher: they need only an endpoint's url and token (docs/WHIP-WHEP.md).
    '/whep-player.html': join(PACKAGE_ROOT, 'examples', 'wish', 'whep-player.html'),
    '/whip-publisher.html': join(PACKAGE_ROOT, 'examples', 'wish', 'whip-publisher.html'),
    // The stock client, exactly as published on npm.
    '/peerjs.min.js': createRequire(import.meta.url).resolve('peerjs/dist/peerjs.min.js'),
  };
}

/**
 * The browser demo (examples/demo) at /demo/, when `demo_page` is on: the stock peerjs client
 * calling or answering gateway peers, and the WHEP player and WHIP publisher of examples/wish. `signaling` is read per request because the embedded
 * server's port is known only once it listens.
 */
export function demoRoutes(signaling: () => DemoSignaling): Router {
  // Strict: /demo and /demo/ are different routes.
  const router = Router({ strict: true });
  // Relative URLs in the page resolve against /demo/, not /.
  router.get('/demo', (req, res) => {
    const query = req.originalUrl.indexOf('?');
    res.redirect(301, `/demo/${query >= 0 ? req.originalUrl.slice(query) : ''}`);
  });
  router.get('/demo/config.json', (_req, res) => {
    res.set('cache-control', 'no-store').json(signaling());
  });
  for (const [path, file] of Object.entries(demoFiles())) {
    router.get(`/demo${path}`, (_req, res, next) => res.sendFile(file, (error) => error && next(error)));
  }
  return router;
}
