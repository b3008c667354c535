import { createSocket } from 'node:dgram';
import { statSync } from 'node:fs';

import type { RestPeer } from './dataPath.js';
import { call } from './testGateway.js';

/** A UDP port on 127.0.0.1 that was free a moment ago (for a GStreamer receiver to bind). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Long-polls a media connection's events until `wanted`; returns every event seen (ERRORs with their message). */
export async function mediaEvents(base: string, id: string, wanted: string, polls = 6): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < polls; i++) {
    const res = await call(base, 'GET', `/media/connections/${id}/events`);
    if (res.status !== 200) throw new Error(`events of ${id}: ${res.status} ${JSON.stringify(res.body)} after ${seen.join(',')}`);
    seen.push(res.body.event === 'ERROR' ? `ERROR(${res.body.error_message})` : res.body.event);
    if (res.body.event === wanted) return seen;
  }
  throw new Error(`no ${wanted} on ${id}: ${seen.join(', ')}`);
}

/** Long-polls a peer's events until `wanted` and returns that event. */
export async function peerEvent(peer: RestPeer, wanted: string): Promise<any> {
  for (let i = 0; i < 5; i++) {
    const res = await call(peer.base, 'GET', `/peers/${peer.id}/events?token=${peer.token}`);
    if (res.body?.event === wanted) return res.body;
  }
  throw new Error(`no ${wanted} event for ${peer.id}`);
}

/** A file's size, 0 while it does not exist (a GStreamer filesink creates it on its first buffer). */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Peer `from` places a VP8 video call (payload type 96) to peer `to` of the same gateway; `to` sees
 * CALL and answers receive-only, its video redirected to `redirectPort` when given. Resolves with
 * both connection ids once the answer is accepted (202).
 */
export async function placeVideoCall(base: string, from: RestPeer, to: RestPeer, redirectPort?: number): Promise<{ outgoing: string; incoming: string; mediaPort: number }> {
  const video = (await call(base, 'POST', '/media', { is_video: true })).body;
  const placed = await call(base, 'POST', '/media/connections', {
    peer_id: from.id,
    token: from.token,
    target_id: to.id,
    constraints: { video: true, audio: false, video_params: { codec: 'VP8', media_id: video.media_id, payload_type: 96 } },
  });
  if (placed.status !== 202) throw new Error(`POST /media/connections: ${placed.status} ${JSON.stringify(placed.body)}`);
  const outgoing = placed.body.params.media_connection_id as string;
  const incoming = (await peerEvent(to, 'CALL')).call_params.media_connection_id as string;
  const answer = await call(base, 'POST', `/media/connections/${incoming}/answer`, {
    constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', payload_type: 96 } },
    ...(redirectPort !== undefined && { redirect_params: { video: { ip_v4: '127.0.0.1', port: redirectPort } } }),
  });
  if (answer.status !== 202) throw new Error(`answer: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { outgoing, incoming, mediaPort: video.port as number };
}
