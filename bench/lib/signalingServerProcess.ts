/**
 * A signaling server in its own process, so the benchmark reads its CPU and memory alone.
 * Usage: node --import tsx bench/lib/signalingServerProcess.ts ours|peer
 * Prints the port once listening.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

import { createLogger } from '../../src/log/createLogger.js';
import { DEFAULT_SIGNALING } from '../../src/signaling/server/SignalingConfig.js';
import { SignalingServer } from '../../src/signaling/server/SignalingServer.js';

const kind = process.argv[2];
if (kind === 'ours') {
  const server = new SignalingServer({ ...DEFAULT_SIGNALING, port: 0 }, createLogger('silent'));
  const { port } = await server.start();
  process.stdout.write(`${port}\n`);
} else {
  const { PeerServer } = createRequire(import.meta.url)('peer') as { PeerServer: (o: object, cb: (s: Server) => void) => void };
  PeerServer({ port: 0, host: '127.0.0.1', concurrent_limit: 50000 }, (s) => process.stdout.write(`${(s.address() as AddressInfo).port}\n`));
}
