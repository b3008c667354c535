/**
 * Fan-out: one VP8 1.5 Mbit/s + Opus 64 kbit/s input to N WebRTC viewers, the same for four
 * systems side by side in one run:
 * - gateway: ours (its own process), one REST call per viewer (gateway-shared-port: with
 *   media_shared_port; gateway-whep: the viewers are WHEP players of one endpoint,
 *   fanout/gatewayWhepSystem.ts);
 * - node-datachannel: libdatachannel, JS hands every packet to N tracks (systems/nodeDatachannel.ts);
 * - werift: WebRTC in pure TypeScript (systems/werift.ts);
 * - janus: Janus 1.1's streaming plugin with one RTP mountpoint (systems/janus.ts).
 * The input is recorded once (bench/fanout/inputRecording.ts) and replayed in real time by its own
 * process into the system's video and audio port; the viewers are a fresh gateway B per system and
 * N (bench/fanout/viewerGateway.ts), which answers every call receive-only and counts what arrives.
 * Reported per system and N: setup rate, packets in, packets out (RTP received at B, all viewers),
 * the system's own count of what it sent and of failed sends, CPU per packet out and share of one
 * core (the system's process tree, from /proc; for Janus the janus daemon), loss per viewer (B's
 * counts against what the replay sent), RSS and MB per viewer, and B's own CPU (a B near one
 * full core means loss may be B's, not the system's) and the machine's CPU spent outside the
 * benchmark (on a shared machine, others' load). Per N, the floor runs once in the same run: the
 * same replay into bench/floor/fanoutFloor.cc, which sends each packet sealed (AES-128-GCM) to N
 * reading sockets (bench/floor/udpSinks.cc) with sendmmsg from one socket and no other logic; its
 * row is "floor (fanoutFloor.cc)", and each system's "of floor" is its CPU per packet out over
 * the floor's at that N.
 * Each system also calls 3 decoding viewers and 2 latency probes (fanout/quality/) besides the
 * N viewers: the last columns show what the decoders decoded and the latency the system added
 * (report.ts). Those 5 connections are not in the packet and loss columns; their sending is in
 * the system's CPU (5 / (N + 5) of its copies).
 * N grows for a system only while it loses at most 5 % and every viewer connects.
 * The run happens in a loopback-only network namespace of its own (fanout/networkNamespace.ts).
 * Usage: node --import tsx bench/fanout.ts [viewers,...] [seconds] [concurrency] [systems,...]
 *   FANOUT_PERF=<file>  perf record of each system's process into <file>.<system>.<N>
 *   FANOUT_JANUS_ARGS   arguments of systems/janus.ts, e.g. "--event-loops 2"
 */
import { cpus } from 'node:os';

import { describeInput, recordInput } from './fanout/inputRecording.js';
import { RunError, runFanout, type FanoutResult } from './fanout/fanoutRun.js';
import { enterOwnNetworkNamespace } from './fanout/networkNamespace.js';
import { runFanoutFloor } from './fanout/floorRun.js';
import { FLOOR_SYSTEM, floorRow, fmt, HEADER, meanLoss, noteRow, resultRow } from './fanout/report.js';
import { SYSTEM_NAMES, unavailable, type SystemName } from './fanout/systemsUnderTest.js';
import { writeDocsBlock } from './lib/docsTable.js';
import { markdownTable } from './lib/table.js';

const where = await enterOwnNetworkNamespace();

const VIEWERS = (process.argv[2] ?? '100,300,1000').split(',').map(Number);
const SECONDS = Number(process.argv[3] ?? 10);
const CONCURRENCY = Number(process.argv[4] ?? 16);
const SYSTEMS = (process.argv[5] ?? SYSTEM_NAMES.join(',')).split(',') as SystemName[];
const RECORD_SECONDS = 10;
/** A system is not given more viewers once it lost more than this (all viewers together). */
const GIVE_UP_LOSS = 0.05;

for (const s of SYSTEMS) if (!SYSTEM_NAMES.includes(s)) throw new Error(`unknown system ${s}: one of ${SYSTEM_NAMES.join(', ')}`);
if (VIEWERS.some((n) => !(n > 0)) || !(SECONDS > 0) || !(CONCURRENCY > 0)) {
  throw new Error('usage: bench/fanout.ts [viewers,...] [seconds] [concurrency] [systems,...]');
}

// The first signal stops the current run and its processes (runFanout's finally), a second one
// ends this process at once (its children then exit as their IPC channel closes).
const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => interrupt.abort());

console.log(`running in ${where}`);
console.log(`recording ${RECORD_SECONDS} s of input (GStreamer VP8 1.5 Mbit/s 640x480 + Opus 64 kbit/s)...`);
const input = await recordInput(RECORD_SECONDS);
const described = describeInput(input);
console.log(
  `input: ${fmt(described.seconds, 1)} s, video ${fmt(described.videoPps)} packets/s ${fmt(described.videoKbps)} kbit/s, audio ${fmt(described.audioPps)} packets/s ${fmt(described.audioKbps)} kbit/s`,
);
const packets = input.map((p) => ({ atUs: p.atUs, video: p.video, data: p.data.toString('base64') }));

const rows: string[][] = [];
const notes: string[] = [];

// The floor's CPU per packet out at each N, for the systems' "of floor".
const floorNs = new Map<number, number>();
for (const n of VIEWERS) {
  if (interrupt.signal.aborted) break;
  console.log(`\n${FLOOR_SYSTEM}: ${n} sinks...`);
  try {
    const f = await runFanoutFloor(n, SECONDS, packets);
    floorNs.set(n, f.floor.cpuNsPerPacketOut);
    rows.push(floorRow(n, f.sent, f.floor, f.sinks, SECONDS));
    if (f.floor.sendErrors) notes.push(`floor ${n}: ${f.floor.sendErrors} send errors other than a full buffer`);
  } catch (e) {
    console.error(`floor ${n}: ${(e as Error).message}`);
    rows.push(noteRow(FLOOR_SYSTEM, n, `failed: ${(e as Error).message.split('\n')[0]}`));
  }
  console.log(markdownTable(HEADER, rows.slice(-1)));
}

let portMin = 20_000; // below the ephemeral range, where the other systems' sockets are
for (const system of SYSTEMS) {
  const why = unavailable(system);
  if (why) {
    rows.push(noteRow(system, '-', `not available: ${why}`));
    continue;
  }
  for (const n of VIEWERS) {
    if (interrupt.signal.aborted) break;
    portMin = portMin >= 30_000 ? 20_000 : portMin + 300; // B, our gateway, the probes: 100 each
    console.log(`\n${system}: ${n} viewers...`);
    let result: FanoutResult;
    try {
      result = await runFanout({ system, viewers: n, seconds: SECONDS, concurrency: CONCURRENCY, packets, portMin, perfFile: process.env['FANOUT_PERF'], signal: interrupt.signal });
    } catch (e) {
      const message = (e as Error).message.split('\n')[0]!;
      console.error(`${system} ${n}: ${(e as Error).message}`);
      const cannotStart = e instanceof RunError && e.phase === 'starting the system';
      rows.push(noteRow(system, n, cannotStart ? `not available: ${message}` : `failed: ${message}`));
      break;
    }
    rows.push(resultRow(result, floorNs.get(n), SECONDS));
    if (system === 'janus' && process.env['FANOUT_JANUS_ARGS']) rows.at(-1)![0] = `janus ${process.env['FANOUT_JANUS_ARGS']}`;
    for (const f of result.failures) notes.push(`${system} ${n}: ${f}`);
    for (const q of result.quality?.notes ?? []) notes.push(`${system} ${n} (quality probes): ${q.split('\n')[0]}`);
    console.log(markdownTable(HEADER, rows.slice(-1)));
    if (meanLoss(result) > GIVE_UP_LOSS || result.connected < n) {
      if (n !== VIEWERS.at(-1)) notes.push(`${system}: not run with more than ${n} viewers (lost over ${GIVE_UP_LOSS * 100} % or a viewer did not connect)`);
      break;
    }
  }
}

const summary = [
  `${SECONDS} s of input per run (${fmt(described.videoPps)} video + ${fmt(described.audioPps)} audio packets/s, ${fmt(described.videoKbps + described.audioKbps)} kbit/s), ${CONCURRENCY} setups at a time, in ${where}; ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
  '',
  markdownTable(HEADER, rows),
  ...(notes.length ? ['', notes.map((n) => `- ${n}`).join('\n')] : []),
].join('\n');
console.log(summary);
// npm run bench (bench/run.ts) sets FANOUT_DOCS: the table in docs/BENCHMARKS.md is this run's.
if (process.env['FANOUT_DOCS'] && !interrupt.signal.aborted) writeDocsBlock('fanout-table', summary);
process.exit(interrupt.signal.aborted ? 130 : 0);
