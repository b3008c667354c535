/**
 * The media receiver of bench/media.ts, in its own process (forked with IPC), with two UDP
 * sockets on 127.0.0.1: "gateway", where gateway B redirects both streams, and "direct", where
 * the source mirrors every packet. Each packet's latency is its arrival minus the send time it
 * carries; a packet that came both ways gives the latency the gateways added to it.
 * Sends {type: 'ready', gatewayPort, directPort}; {type: 'reset'} starts a new run;
 * {type: 'report'} is answered with {type: 'report', gateway, direct, added} (see SinkReport).
 */
import { createSocket } from 'node:dgram';

import { readStamp } from './rtpStream.js';

export interface PathLatency {
  video: number;
  audio: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

export interface SinkReport {
  gateway: PathLatency;
  direct: PathLatency;
  /** Per packet that came both ways: gateway latency minus direct latency. */
  added: PathLatency;
}

// Indexed by stamp (unique in a run); NaN until the packet arrives that way.
const CAPACITY = 1 << 20;
const paths = { gateway: new Float64Array(CAPACITY), direct: new Float64Array(CAPACITY) };
const counts = { gateway: { video: 0, audio: 0 }, direct: { video: 0, audio: 0 } };

function reset(): void {
  for (const key of ['gateway', 'direct'] as const) {
    paths[key].fill(NaN);
    counts[key] = { video: 0, audio: 0 };
  }
}

function summary(values: number[], video: number, audio: number): PathLatency {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { video, audio, p50Us: at(0.5), p99Us: at(0.99), maxUs: sorted.length ? sorted[sorted.length - 1]! : 0 };
}

function report(): SinkReport {
  const { gateway, direct } = paths;
  const seen = (a: Float64Array) => Array.from(a).filter((v) => !Number.isNaN(v));
  const added: number[] = [];
  for (let i = 0; i < CAPACITY; i++) if (!Number.isNaN(gateway[i]!) && !Number.isNaN(direct[i]!)) added.push(gateway[i]! - direct[i]!);
  return {
    gateway: summary(seen(gateway), counts.gateway.video, counts.gateway.audio),
    direct: summary(seen(direct), counts.direct.video, counts.direct.audio),
    added: summary(added, 0, 0),
  };
}

async function listen(key: 'gateway' | 'direct'): Promise<number> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  socket.on('message', (packet) => {
    const now = process.hrtime.bigint();
    const stamp = readStamp(packet);
    if (!stamp || stamp.stamp >= CAPACITY) return;
    counts[key][stamp.video ? 'video' : 'audio']++;
    paths[key][stamp.stamp] = Number(now - stamp.sentNs) / 1000;
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return socket.address().port;
}

reset();
const [gatewayPort, directPort] = await Promise.all([listen('gateway'), listen('direct')]);
process.send!({ type: 'ready', gatewayPort, directPort });
process.on('message', (m: { type: string }) => {
  if (m.type === 'reset') reset();
  else if (m.type === 'report') process.send!({ type: 'report', ...report() });
  else if (m.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
