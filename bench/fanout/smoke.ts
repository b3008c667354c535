/**
 * Smoke test of the fan-out benchmark's JS systems: for each, gateway B and its answering peer,
 * the system, 5 viewers connected through the PeerJS relay, 3 s of GStreamer VP8 + Opus into the
 * system's ports; then what the system forwarded and what B received per viewer, and the viewers
 * are removed.
 * Exits non-zero unless every viewer connected and B received video and audio on each.
 * Usage: node --import tsx bench/fanout/smoke.ts [nodeDatachannel|werift ...] [--viewers N] [--concurrency N]
 */
import { join } from 'node:path';

import { markdownTable } from '../lib/table.js';
import { feedVp8Opus } from './gstSource.js';
import { PeerjsRelay } from './peerjsRelay.js';
import { addViewers, SystemProcess } from './systemProcess.js';
import { ViewerGateway } from './viewerGateway.js';

const SYSTEMS: Record<string, number> = { nodeDatachannel: 41000, werift: 42000 };
const SECONDS = 3;

const args = process.argv.slice(2);
const viewersAt = args.indexOf('--viewers');
const viewers = viewersAt >= 0 ? Number(args.splice(viewersAt, 2)[1]) : 5;
const concurrencyAt = args.indexOf('--concurrency');
const concurrency = concurrencyAt >= 0 ? Number(args.splice(concurrencyAt, 2)[1]) : viewers;
const names = args.length ? args : Object.keys(SYSTEMS);

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const range = (values: number[]) => (values.length ? `${Math.min(...values)}–${Math.max(...values)}` : '-');

async function smoke(name: string): Promise<{ row: (string | number)[]; ok: boolean }> {
  const b = await ViewerGateway.start(SYSTEMS[name] ?? 43000);
  const relay = await PeerjsRelay.open(b.signalingUrl, `fanout-${name}`, b.peer.id);
  const system = await SystemProcess.start(join(import.meta.dirname, 'systems', `${name}.ts`));
  try {
    const setups = await addViewers(system, relay, viewers, concurrency);
    for (const s of setups) if (s.error) console.error(`${name}: viewer ${s.viewer ?? '?'} failed: ${s.error}`);
    const connected = setups.filter((s) => !s.error);
    const times = connected.map((s) => s.setupMs);
    const ms = (t: number) => t.toFixed(0);
    console.log(`${name}: setup ms per viewer (offer + answer + connect): ${connected.map((s) => `${ms(s.setupMs)} (${ms(s.offerMs)}+${ms(s.answerMs)}+${ms(s.connectMs)})`).join(', ')}`);

    const before = await system.stats();
    await feedVp8Opus({ videoPort: system.videoPort, audioPort: system.audioPort, seconds: SECONDS });
    await new Promise((r) => setTimeout(r, 500)); // what is still in flight
    const after = await system.stats();
    const received = (await b.counts()).map((c) => ({ video: c.videoPackets, audio: c.audioPackets, videoLost: c.videoLost }));
    // The viewers leave through the protocol too, so 'remove' is exercised before 'exit'.
    await Promise.all(connected.map((s) => system.remove(s.viewer!)));

    const ok = times.length === viewers && received.length === viewers && received.every((r) => r.video > 0 && r.audio > 0);
    const row = [
      name,
      `${times.length}/${viewers}`,
      quantile(times, 0.5).toFixed(0),
      Math.max(...times).toFixed(0),
      after.received - before.received,
      after.forwarded - before.forwarded,
      after.errors - before.errors,
      range(received.map((r) => r.video)),
      range(received.map((r) => r.audio)),
      range(received.map((r) => r.videoLost)),
      ok ? 'ok' : 'FAIL',
    ];
    return { row, ok };
  } finally {
    relay.close();
    await system.stop();
    await b.stop();
  }
}

const rows: (string | number)[][] = [];
let allOk = true;
for (const name of names) {
  const { row, ok } = await smoke(name);
  rows.push(row);
  allOk &&= ok;
}
console.log(
  markdownTable(
    ['system', 'viewers', 'setup p50 ms', 'setup max ms', 'received', 'forwarded', 'send errors', 'B video pkts/viewer', 'B audio pkts/viewer', 'B video lost', 'result'],
    rows,
  ),
);
process.exit(allOk ? 0 : 1);
