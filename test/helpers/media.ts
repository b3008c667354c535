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
