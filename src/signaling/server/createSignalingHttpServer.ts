import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { SignalingConfig } from './SignalingConfig.js';

/** How often Node checks the handshake timeouts (its default, 30 s, would let them run long). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/**
 * Connections the server holds besides bound clients: HTTP requests (`GET {key}/id`), handshakes
 * in progress, refused sockets being closed, a re-attaching client's old socket.
 */
export function connectionMargin(maxClients: number): number {
  return Math.max(64, Math.ceil(maxClients / 10));
}

/**
 * The HTTP server the WebSocket upgrades from, bounded so that connections which never finish
 * their request cannot pile up: at most maxClients plus a margin of TCP connections (more are
 * closed on arrival, each reported to `onDrop`), and an unfinished request or handshake is
 * dropped after `handshakeTimeoutMs`. Upgraded sockets leave the HTTP server's timeouts behind.
 */
export function createSignalingHttpServer(
  config: SignalingConfig,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
  onDrop: () => void,
): Server {
  const server = createServer(
    {
      headersTimeout: config.handshakeTimeoutMs,
      requestTimeout: config.handshakeTimeoutMs,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, config.handshakeTimeoutMs),
    },
    onRequest,
  );
  server.maxConnections = config.maxClients + connectionMargin(config.maxClients);
  server.on('drop', onDrop);
  // A broken or timed-out request, or a client that vanishes mid-upgrade, ends that connection
  // only (without this handler Node leaves a timed-out one open).
  server.on('clientError', (_error, socket) => socket.destroy());
  return server;
}
