/**
 * Media forwarding: one 2 Mbit/s VP8 stream plus Opus from a UDP source through gateway A
 * (RTP in -> SRTP out) to gateway B (SRTP in -> plain RTP out) to a UDP sink, every end in its
 * own process on loopback. Measured in the same run:
 * - the floor: a native program that only seals the same packets with AES-128-GCM and sends them
 *   with sendmmsg to loopback (bench/floor/srtpSendFloor.cc), best of 5;
 * - CPU per forwarded packet of A's I/O thread (outbound) and B's (inbound), at the realistic
 *   rate and in a saturated burst, median of 3 runs; beside them, the same load through two
 *   minimal native forwarders, one sealing and one opening (bench/floor/forwardFloor.cc);
 * - one-way latency, source send -> sink receive. At the realistic rate the source sends a copy
 *   of every packet straight to the sink right after it (the baseline), so each packet gives
 *   the latency the two gateways (or the two minimal forwarders) added to it;
 * - time from POST /media/connections to STREAM on A, over `calls` calls.
 * Usage: node --import tsx bench/media.ts [calls] [realisticSeconds] [burstPackets]
 */
import { floorChainRun, type FloorChainResult } from './lib/floorChainRun.js';
import { runSendFloor, type SendFloorMode } from './lib/floorPrograms.js';
import { forwardingRun, type Leg, type RunResult } from './lib/forwardingRun.js';
import { autoAnswer, openPeer, placeCall, timeCallSetups } from './lib/mediaCall.js';
import { MediaGateway } from './lib/mediaGateway.js';
import type { BlastRequest } from './lib/rtpBlaster.js';
import type { SinkReport } from './lib/rtpSink.js';
import { markdownTable } from './lib/table.js';
import { TsChild } from './lib/tsChild.js';

const CALLS = Number(process.argv[2] ?? 20);
const REALISTIC_SECONDS = Number(process.argv[3] ?? 20);
const BURST_PACKETS = Number(process.argv[4] ?? 60_000);
const BURST_RATE = 30_000;
const RUNS = 3;
/** The floor takes the best of more runs: a low floor makes the comparison harder for the gateway, not easier. */
const FLOOR_RUNS = 5;
const BYTES = 1200;
/** The gateway reads up to 32 datagrams per recvmmsg, so it forwards at most 32 per batch. */
const FLOOR_BATCH = 32;

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const range = (values: number[]) => `${fmt(Math.min(...values), 2)}–${fmt(Math.max(...values), 2)}`;

/** What one forwarder spent in one run; process CPU and send calls are known for the gateways only. */
interface Cost {
  packets: number;
  ioNs: number;
  wakeups: number;
  processNs?: number;
  sendCalls?: number;
  sendDropped?: number;
}

/** forwarded | CPU µs / packet | range | of floor | process CPU µs / packet | packets / wake-up | packets / sendmmsg | send drops */
function costColumns(costs: Cost[]): (string | number)[] {
  const perPacket = costs.map((c) => c.ioNs / c.packets / 1000);
  const gatewayOnly = (f: (c: Cost) => number | undefined, digits: number) => (costs.every((c) => f(c) !== undefined) ? fmt(median(costs.map((c) => f(c)!)), digits) : '');
  return [
    median(costs.map((c) => c.packets)), fmt(median(perPacket), 2), range(perPacket), fmt((median(perPacket) * 1000) / floorNs, 2),
    gatewayOnly((c) => c.processNs && c.processNs / c.packets / 1000, 2),
    fmt(median(costs.map((c) => c.packets / Math.max(c.wakeups, 1))), 1),
    gatewayOnly((c) => c.sendCalls && c.packets / Math.max(c.sendCalls, 1), 1),
    costs.every((c) => c.sendDropped !== undefined) ? costs.reduce((sum, c) => sum + c.sendDropped!, 0) : '',
  ];
}

// ---- the floor, first, while the machine is not yet busy with gateways ----
const FLOOR_MODES = ['cipher', 'send', 'both', 'recv'] as const;
const floor = new Map<SendFloorMode, { cpuNsPerPacket: number; packetsPerSecond: number }>();
for (const mode of FLOOR_MODES) {
  const runs = Array.from({ length: FLOOR_RUNS }, () => runSendFloor(mode, 400_000, BYTES, FLOOR_BATCH));
  floor.set(mode, runs.reduce((best, r) => (r.cpuNsPerPacket < best.cpuNsPerPacket ? r : best)));
}
const floorNs = floor.get('both')!.cpuNsPerPacket;

interface Load {
  name: string;
  /** The load with video to `videoPort` and audio to `audioPort`. */
  request(videoPort: number, audioPort: number): BlastRequest;
}
const loads: Load[] = [
  { name: '2 Mbit/s VP8 + Opus', request: (videoPort, audioPort) => ({ mode: 'realistic', videoPort, audioPort, seconds: REALISTIC_SECONDS }) },
  {
    name: `burst: ${fmt(BURST_RATE)} pps of ${BYTES} B`,
    request: (videoPort, audioPort) => ({ mode: 'burst', videoPort, audioPort, packets: BURST_PACKETS, rate: BURST_RATE, maxSeconds: 10 }),
  },
];

const a = await MediaGateway.start(42000);
const b = await MediaGateway.start(42100, a.signalingUrl);
const sink = new TsChild('rtpSink.ts');
const source = new TsChild('rtpBlaster.ts');
const { gatewayPort, directPort } = (await sink.next('ready')) as { gatewayPort: number; directPort: number };
const answerer = autoAnswer(await openPeer(b.api, 'bench-b'), gatewayPort);
const caller = await openPeer(a.api, 'bench-a');

try {
  const setups = await timeCallSetups(caller, 'bench-b', CALLS);

  const call = await placeCall(caller, 'bench-b');
  const outbound: Leg = { gateway: a, connection: call.id, counters: ['videoSent', 'audioSent'] };
  const inbound: Leg = { gateway: b, connection: answerer.answered.at(-1)!, counters: ['videoReceived', 'audioReceived'] };
  const cpuRows: (string | number)[][] = [];
  const latencyRows: (string | number)[][] = [];
  for (const load of loads) {
    // Only the realistic load is mirrored: at the burst rate the copies would double the source's work.
    const mirrored = load === loads[0];
    const withMirror = (r: BlastRequest): BlastRequest => (mirrored ? { ...r, mirrorPort: directPort } : r);
    const through: RunResult[] = [];
    const minimal: FloorChainResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      through.push(await forwardingRun(source, sink, withMirror(load.request(call.videoPort, call.audioPort)), outbound, inbound));
      minimal.push(await floorChainRun(source, sink, (port) => withMirror(load.request(port, port)), gatewayPort, REALISTIC_SECONDS + 15));
    }
    const pps = fmt(median(through.map((r) => (r.sent.video + r.sent.audio) / r.sent.seconds)));
    const cpuRow = (forwarder: string, costs: Cost[]) => cpuRows.push([forwarder, load.name, pps, ...costColumns(costs)]);
    cpuRow('outbound, gateway A: RTP in → SRTP out', through.map((r) => ({ ...r.legs[0], ioNs: r.legs[0].ioThreadNs })));
    cpuRow('minimal native forwarder: seal', minimal.map((f) => ({ ...f.seal, ioNs: f.seal.cpuNsPerPacket * f.seal.packets })));
    cpuRow('inbound, gateway B: SRTP in → RTP out', through.map((r) => ({ ...r.legs[1], ioNs: r.legs[1].ioThreadNs })));
    cpuRow('minimal native forwarder: open', minimal.map((f) => ({ ...f.open, ioNs: f.open.cpuNsPerPacket * f.open.packets })));

    const latencyRow = (path: string, runs: { sent: RunResult['sent']; received: SinkReport }[], key: keyof SinkReport) => {
      const ms = (k: 'p50Us' | 'p99Us' | 'maxUs') => fmt(median(runs.map((r) => r.received[key][k])) / 1000, 3);
      const sent = runs.reduce((s, r) => s + r.sent.video + r.sent.audio, 0);
      const received = runs.reduce((s, r) => s + r.received[key].video + r.received[key].audio, 0);
      latencyRows.push([load.name, path, ms('p50Us'), ms('p99Us'), ms('maxUs'), key === 'added' ? '' : `${fmt(((sent - received) / sent) * 100, 2)} %`]);
    };
    if (mirrored) latencyRow('source → sink (baseline)', through, 'direct');
    latencyRow('source → A → B → sink', through, 'gateway');
    if (mirrored) latencyRow('added by A and B, per packet', through, 'added');
    latencyRow('source → seal → open → sink (minimal forwarders)', minimal, 'gateway');
    if (mirrored) latencyRow('added by the minimal forwarders, per packet', minimal, 'added');
  }

  const what: Record<SendFloorMode, string> = {
    cipher: 'AES-128-GCM seal only',
    send: 'sendmmsg to loopback only',
    both: 'seal + sendmmsg: the floor',
    recv: 'recvmmsg from loopback (not in the floor)',
  };
  console.log(`\nFloor (bench/floor/srtpSendFloor.cc), one thread, best of ${FLOOR_RUNS} runs of 400,000 packets\n`);
  console.log(markdownTable(['floor', 'bytes', 'batch', 'CPU µs / packet', 'packets/s'], FLOOR_MODES.map((m) => [what[m], BYTES, FLOOR_BATCH, fmt(floor.get(m)!.cpuNsPerPacket / 1000, 2), fmt(floor.get(m)!.packetsPerSecond)])));
  console.log(`\nCPU per forwarded packet, median of ${RUNS} runs (realistic: ${REALISTIC_SECONDS} s; burst: ${fmt(BURST_PACKETS)} packets)\n`);
  console.log(markdownTable(
    ['forwarder', 'load', 'packets/s', 'forwarded', 'thread CPU µs / packet', 'range', 'of floor', 'process CPU µs / packet', 'packets / wake-up', 'packets / sendmmsg', 'send drops'],
    cpuRows,
  ));
  console.log(`\nOne-way latency, source send → sink receive, median of ${RUNS} runs\n`);
  console.log(markdownTable(['load', 'path', 'p50 ms', 'p99 ms', 'max ms', 'lost'], latencyRows));
  const stream = setups.map((s) => s.streamMs).sort((x, y) => x - y);
  const p95 = stream[Math.min(stream.length - 1, Math.ceil(0.95 * stream.length) - 1)]!;
  console.log(`\nPOST /media/connections on A → STREAM on A (B answers through its REST API at once), ${CALLS} calls\n`);
  console.log(markdownTable(['calls', 'READY p50 ms', 'STREAM p50 ms', 'STREAM p95 ms', 'STREAM max ms', 'calls whose first DTLS flight A dropped'], [
    [CALLS, fmt(median(setups.map((s) => s.readyMs)), 1), fmt(median(stream), 1), fmt(p95, 1), fmt(stream.at(-1)!, 1), setups.filter((s) => s.earlyDtls > 0).length],
  ]));
} finally {
  answerer.stop();
  source.kill();
  sink.kill();
  await Promise.all([a.stop(), b.stop()]);
}
process.exit(0);
