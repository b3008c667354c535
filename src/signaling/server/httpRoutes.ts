import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { SignalingConfig } from './SignalingConfig.js';

/** What `GET {path}` answers, so tools that probe a PeerJS server recognise this one. */
const SERVER_INFO = JSON.stringify({
  name: 'PeerJS Server',
  description: 'webrtc-gateway embedded PeerJS-compatible signaling server',
  website: 'https://peerjs.com/',
});

/**
 * The PeerJS server's HTTP side: `GET {path}` (info), `GET {path}{key}/id` (a fresh id as
 * text) and `GET {path}{key}/peers` (connected ids, only with discovery enabled). Browsers call
 * these cross-origin, so every answer allows any origin.
 */
export function handleSignalingHttp(
  config: SignalingConfig,
  connectedIds: () => string[],
  req: IncomingMessage,
  res: ServerResponse,
): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
  if (req.method === 'OPTIONS') {
    res.writeHead(204).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://signaling');
  const send = (status: number, type: string, body: string): void => {
    res.writeHead(status, { 'Content-Type': type }).end(body);
  };
  if (req.method !== 'GET') return send(405, 'application/json', JSON.stringify({ error: 'method not allowed' }));
  if (url.pathname === config.path || `${url.pathname}/` === config.path) return send(200, 'application/json', SERVER_INFO);
  if (!url.pathname.startsWith(config.path)) return send(404, 'application/json', JSON.stringify({ error: 'not found' }));
  const [key, resource, ...rest] = url.pathname.slice(config.path.length).split('/');
  if (rest.length > 0 || (resource !== 'id' && resource !== 'peers')) {
    return send(404, 'application/json', JSON.stringify({ error: 'not found' }));
  }
  if (key !== config.key) return send(401, 'application/json', JSON.stringify({ error: 'invalid key' }));
  if (resource === 'id') return send(200, 'text/html', randomUUID());
  if (!config.allowDiscovery) return send(401, 'application/json', JSON.stringify({ error: 'discovery is disabled' }));
  return send(200, 'application/json', JSON.stringify(connectedIds()));
}
