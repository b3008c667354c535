import assert from 'node:assert/strict';

import { call } from './testGateway.js';
import { udpReceiver } from './udp.js';

/** A WHIP endpoint taking VP8 with payload type `pt`, redirected to a new UDP receiver (closed by `cleanup`). */
export async function vp8WhipEndpoint(
  base: string,
  pt: number,
  cleanup: (() => void)[],
): Promise<{ id: string; url: string; token: string; redirect: Awaited<ReturnType<typeof udpReceiver>> }> {
  const redirect = await udpReceiver();
  cleanup.push(() => redirect.socket.close());
  const created = await call(base, 'POST', '/whip/endpoints', { video_params: { codec: 'vp8', payload_type: pt }, redirect_params: { video: { ip_v4: '127.0.0.1', port: redirect.port } } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { id: created.body.endpoint_id, url: created.body.url, token: created.body.token, redirect };
}
