/**
 * The latency probes' sink, in its own process (forked by latencyProbes.ts) so the harness's
 * event loop cannot delay its clock readings: one UDP socket on 127.0.0.1 per probe, where the
 * probe gateway redirects that probe's plain RTP, and one "direct" socket the replay mirrors every
 * packet to. Each arrival is kept as (payload key, CLOCK_MONOTONIC µs); at the end the replay's
 * send times (replayProcess.ts SendTimes) turn them into latencies.
 * Usage (forked with IPC): latencySinkProcess.ts <probes>
 * Sends {type:'ready', probePorts, directPort}; {type:'result', sendTimes} is answered with
 * {type:'result', ...SinkResult}; {type:'exit'}.
 */
import { createSocket, type Socket } from 'node:dgram';

import type { SendTimes } from '../replayProcess.js';
import { payloadKey } from './payloadKey.js';

export interface Percentiles {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface PathLatency extends Percentiles {
  /** RTP packets that arrived (RTCP and packets without payload are not counted). */
  packets: number;
  /** Arrivals whose payload the replay never sent (or sent only after they arrived). */
  unmatched: number;
  /** Arrivals of payloads sent more than once within 2 s (MIN_SPACING_US), so not attributable. */
  ambiguous: number;
  /** Second and later arrivals of one send (retransmissions, duplicates); the first one counts. */
  duplicates: number;
  /** Attributable sends that never arrived. */
  missing: number;
}

interface Arrivals {
  keys: number[];
  atUs: number[];
}

const probes = Number(process.argv[2]);
const paths: Arrivals[] = Array.from({ length: probes + 1 }, () => ({ keys: [], atUs: [] }));

async function listen(path: Arrivals): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  socket.on('message', (packet) => {
    const atUs = Number(process.hrtime.bigint()) / 1000;
    // RTCP (RFC 5761: second byte 192-223) is not media.
    if (packet.length < 2 || (packet[1]! >= 192 && packet[1]! <= 223)) return;
    const key = payloadKey(packet);
    if (key === undefined) return;
    path.keys.push(key);
    path.atUs.push(atUs);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return socket;
}

function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! / 1000 : 0);
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.length ? sorted[sorted.length - 1]! / 1000 : 0 };
}

/** Sends of one payload closer together than this are not told apart (the Opus tone repeats every 50 to 100 ms). */
const MIN_SPACING_US = 2e6;

/**
 * Send indices by payload key, in time order; null for a key sent twice within MIN_SPACING_US.
 * Video payloads are unique in the recording, so repeat only when the replay loops (every ~10 s).
 */
function sendsByKey(times: SendTimes): Map<number, number[] | null> {
  const n = times.keys.length;
  const byKey = new Map<number, number[] | null>();
  for (let s = 0; s < times.sentUs.length; s++) {
    const key = times.keys[s % n];
    if (key === null || key === undefined) continue;
    const list = byKey.get(key);
    if (list === null) continue;
    if (!list) byKey.set(key, [s]);
    else if (times.sentUs[s]! - times.sentUs[list.at(-1)!]! < MIN_SPACING_US) byKey.set(key, null);
    else list.push(s);
  }
  return byKey;
}

/**
 * Each arrival's send: the latest send of its payload no later than the arrival (right for any
 * latency under MIN_SPACING_US). Returns latency µs by send index (the first arrival of each send).
 */
function match(path: Arrivals, times: SendTimes, byKey: Map<number, number[] | null>): { latency: Map<number, number>; stats: Omit<PathLatency, keyof Percentiles> } {
  const latency = new Map<number, number>();
  const stats = { packets: path.keys.length, unmatched: 0, ambiguous: 0, duplicates: 0, missing: 0 };
  for (let a = 0; a < path.keys.length; a++) {
    const sends = byKey.get(path.keys[a]!);
    const at = path.atUs[a]!;
    if (sends === undefined) {
      stats.unmatched++;
      continue;
    }
    if (sends === null) {
      stats.ambiguous++;
      continue;
    }
    // Binary search: the last send at or before the arrival.
    let lo = 0;
    let hi = sends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times.sentUs[sends[mid]!]! <= at) lo = mid + 1;
      else hi = mid;
    }
    const send = lo > 0 ? sends[lo - 1]! : -1;
    if (send < 0) stats.unmatched++;
    else if (latency.has(send)) stats.duplicates++;
    else latency.set(send, at - times.sentUs[send]!);
  }
  for (const sends of byKey.values()) for (const s of sends ?? []) if (!latency.has(s)) stats.missing++;
  return { latency, stats };
}

export interface SinkResult {
  /** Per probe, and all probes' arrivals together. */
  probes: PathLatency[];
  all: PathLatency;
  /** The replay's mirror straight to the sink: the floor (null without the mirror). */
  direct: PathLatency | null;
  /** Per arrival at a probe: its latency minus the same send's direct latency (null without the mirror). */
  added: Percentiles | null;
}

function result(times: SendTimes): SinkResult {
  const index = sendsByKey(times);
  const direct = match(paths[probes]!, times, index);
  const added: number[] = [];
  const pooled: number[] = [];
  const all = { packets: 0, unmatched: 0, ambiguous: 0, duplicates: 0, missing: 0 };
  const out = paths.slice(0, probes).map((path) => {
    const m = match(path, times, index);
    for (const [send, us] of m.latency) {
      pooled.push(us);
      const floor = direct.latency.get(send);
      if (floor !== undefined) added.push(us - floor);
    }
    for (const k of Object.keys(all) as (keyof typeof all)[]) all[k] += m.stats[k];
    return { ...m.stats, ...percentiles([...m.latency.values()]) };
  });
  const summed = { ...all, ...percentiles(pooled) };
  // Without the replay's mirror there is no floor.
  if (direct.stats.packets === 0) return { probes: out, all: summed, direct: null, added: null };
  return { probes: out, all: summed, direct: { ...direct.stats, ...percentiles([...direct.latency.values()]) }, added: percentiles(added) };
}

const sockets = await Promise.all(paths.map(listen));
process.send!({ type: 'ready', probePorts: sockets.slice(0, probes).map((s) => s.address().port), directPort: sockets[probes]!.address().port });
process.on('message', (m: { type: 'result'; sendTimes: SendTimes } | { type: 'exit' }) => {
  if (m.type === 'result') process.send!({ type: 'result', ...result(m.sendTimes) });
  else if (m.type === 'exit') {
    sockets.forEach((s) => s.close());
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
