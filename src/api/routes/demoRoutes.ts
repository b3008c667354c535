import { createRequire } from 'node:module';
import { join } from 'node:path';

import { Router } from 'express';

/** What the demo page needs to reach the signaling server (peerjs's connection options). */
export interface DemoSignaling {
  /** Undefined when the server listens on every address: the page then uses its own host. */
  readonly host: string | undefined;
  readonly port: number;
  readonly path: string;
  readonly secure: boolean;
  readonly key: string;
  readonly iceServers: readonly { urls: string }[];
}

/**
 * peerjs options for a ws:// or wss:// signaling URL. `anyHost`: the server listens on every
 * address, so the page should use the host it was loaded from (the URL then names loopback).
 */
export function demoSignalingFor(
  url: string,
  o: { key: string; anyHost: boolean; stunServers: readonly { ip: string; port: number }[] },
): DemoSignaling {
  const u = new URL(url);
  const secure = u.protocol === 'wss:';
  return {
    host: o.anyHost ? undefined : u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : secure ? 443 : 80,
    path: u.pathname,
    secure,
    key: o.key,
    iceServers: o.stunServers.map(({ ip, port }) => ({ urls: `stun:${ip.includes(':') ? `[${ip}]` : ip}:${port}` })),
  };
}

const DEMO_DIR = join(import.meta.dirname, '..', '..', '..', 'examples', 'demo');
const FILES: Record<string, string> = {
  '/': join(DEMO_DIR, 'index.html'),
  '/demo.js': join(DEMO_DIR, 'demo.js'),
  // The stock client, exactly as published on npm.
  '/peerjs.min.js': createRequire(import.meta.url).resolve('peerjs/dist/peerjs.min.js'),
};

/**
 * The browser demo (examples/demo) at /demo/, when `demo_page` is on: the stock peerjs client
 * calling or answering gateway peers. `signaling` is read per request because the embedded
 * server's port is known only once it listens.
 */
export function demoRoutes(signaling: () => DemoSignaling): Router {
  // Strict: /demo and /demo/ are different routes.
  const router = Router({ strict: true });
  // Relative URLs in the page resolve against /demo/, not /.
  router.get('/demo', (_req, res) => res.redirect(301, '/demo/'));
  router.get('/demo/config.json', (_req, res) => {
    res.set('cache-control', 'no-store').json(signaling());
  });
  for (const [path, file] of Object.entries(FILES)) {
    router.get(`/demo${path}`, (_req, res, next) => res.sendFile(file, (error) => error && next(error)));
  }
  return router;
}
