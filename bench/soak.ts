/**
 * Soak: does the gateway give back what it takes, and stay bounded when abused? One gateway
 * (the built package, in a process of its own: bench/soak/gatewayUnderTest.ts) is read from
 * /proc/<pid> before and after each phase: RSS (VmRSS), peak RSS (VmHWM), JS heap after a full
 * collection, open descriptors, threads, and UDP sockets (socket descriptors whose inode is in
 * the process's /proc/<pid>/net/udp or udp6).
 * 1. media cycles: two peers, two media ports, a call answered, STREAM on both sides, a little
 *    RTP through, then everything deleted (bench/soak/cycles.ts);
 * 2. data cycles: the same with data ports and a DataConnection (a libwebrtc PeerConnection
 *    on each side), a datagram each way;
 * 3. offer flood: a hostile signaling client sends a gateway peer OFFERs with new connectionIds
 *    as fast as it can, data ones with a valid SDP, then media ones of ~200 KiB, and leaves
 *    (bench/soak/offerFlood.ts); measured at the peak, after it left and after offer_timeout_ms.
 *    Repeated (SOAK_FLOOD_ROUNDS), every round against the same "before"; SOAK_FLOOD_PEERS
 *    floods that many gateway peers at once, a flooder each (bench/soak/floodPhase.ts).
 * "Before" is taken after warm-up cycles, "after" once the gateway has settled (a wait, full
 * collections, descriptors and threads no longer changing); growth is after minus before.
 * The run happens in a loopback-only network namespace of its own where one can be made.
 * Settings (environment, defaults in parentheses): SOAK_MEDIA_CYCLES (200), SOAK_DATA_CYCLES
 * (100), SOAK_WARMUP_CYCLES (10 of each kind), SOAK_SAMPLE_EVERY (10 cycles),
 * SOAK_FLOOD_DATA_OFFERS (1000), SOAK_FLOOD_MEDIA_OFFERS (1000), SOAK_FLOOD_MEDIA_OFFER_BYTES
 * (204800), SOAK_FLOOD_ROUNDS (3), SOAK_FLOOD_PEERS (1), SOAK_OFFER_TIMEOUT_MS (5000: the gateway's
 * --offer-timeout-ms), SOAK_SETTLE_MS (6000: longer than the signaling server's 5 s message
 * expiry and HTTP keep-alive's 5 s), SOAK_CYCLE_TIMEOUT_MS (20000), SOAK_PHASE_SECONDS (600: each phase, each flood),
 * SOAK_GATEWAY_ARGS (more gateway flags, space-separated).
 * SOAK_DOCS=1 (set by `npm run bench`) writes the tables into docs/BENCHMARKS.md.
 */
import { cpus } from 'node:os';

import { loadConfig } from '../src/config/loadConfig.js';
import { enterOwnNetworkNamespace } from './fanout/networkNamespace.js';
import { writeDocsBlock } from './lib/docsTable.js';
import { markdownTable } from './lib/table.js';
import { runCyclePhase } from './soak/cyclePhase.js';
import { dataCycle, mediaCycle, type CycleSockets } from './soak/cycles.js';
import { runFloodPhase } from './soak/floodPhase.js';
import { GatewayUnderTest, staleBuildWarning, type Snapshot } from './soak/gatewayUnderTest.js';
import { descriptorLimit } from './soak/processSample.js';
import { fmt, HEADER, row, TREND_HEADER, trendRow } from './soak/report.js';
import { UdpSink } from './soak/udpSink.js';

const where = await enterOwnNetworkNamespace();

const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, not ${process.env[name]}`);
  return value;
};
const MEDIA_CYCLES = setting('SOAK_MEDIA_CYCLES', 200);
const DATA_CYCLES = setting('SOAK_DATA_CYCLES', 100);
const WARMUP_CYCLES = setting('SOAK_WARMUP_CYCLES', 10);
const SAMPLE_EVERY = Math.max(1, setting('SOAK_SAMPLE_EVERY', 10));
const FLOOD_ROUNDS = setting('SOAK_FLOOD_ROUNDS', 3);
const FLOOD_PEERS = Math.max(1, setting('SOAK_FLOOD_PEERS', 1));
const FLOOD_DATA_OFFERS = setting('SOAK_FLOOD_DATA_OFFERS', 1000);
const FLOOD_MEDIA_OFFERS = setting('SOAK_FLOOD_MEDIA_OFFERS', 1000);
const FLOOD_MEDIA_OFFER_BYTES = setting('SOAK_FLOOD_MEDIA_OFFER_BYTES', 200 * 1024);
const OFFER_TIMEOUT_MS = setting('SOAK_OFFER_TIMEOUT_MS', 5000);
const SETTLE_MS = setting('SOAK_SETTLE_MS', 6000);
const CYCLE_TIMEOUT_MS = setting('SOAK_CYCLE_TIMEOUT_MS', 20_000);
const PHASE_SECONDS = setting('SOAK_PHASE_SECONDS', 600);

const args = [
  ...['--api-port', '0', '--signaling-port', '0', '--port-bind-ip', '127.0.0.1', '--media-bind-addresses', '127.0.0.1'],
  ...['--port-min', '42000', '--port-max', '42999', '--offer-timeout-ms', String(OFFER_TIMEOUT_MS)],
  ...(process.env['SOAK_GATEWAY_ARGS'] ?? '').split(/\s+/).filter(Boolean),
];

// The first signal ends the run where it is (the gateway is still stopped), a second one at once.
const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => interrupt.abort());

const runStarted = performance.now();
console.log(`running in ${where}`);
const stale = staleBuildWarning();
if (stale) console.warn(`warning: ${stale}`);
const gateway = new GatewayUnderTest(args);
await gateway.start();
const settings = describeSettings(args, descriptorLimit(gateway.pid));
console.log(settings);

const sockets = await openSockets();
const rows: string[][] = [];
const trendRows: string[][] = [];
const notes: string[] = [];

try {
  for (const phase of [
    { name: 'media cycles', count: MEDIA_CYCLES, cycle: mediaCycle, unit: 'RTP packets' },
    { name: 'data cycles', count: DATA_CYCLES, cycle: dataCycle, unit: 'datagrams' },
  ]) {
    if (interrupt.signal.aborted || phase.count === 0) continue;
    console.log(`\n${phase.name}: ${WARMUP_CYCLES} warm-up + ${phase.count} cycles...`);
    const r = await runCyclePhase(gateway, sockets, phase.cycle, {
      count: phase.count,
      warmupCycles: WARMUP_CYCLES,
      sampleEvery: SAMPLE_EVERY,
      settleMs: SETTLE_MS,
      cycleTimeoutMs: CYCLE_TIMEOUT_MS,
      phaseSeconds: PHASE_SECONDS,
      signal: interrupt.signal,
    });
    const result = `${r.ok}/${r.run} ok, ${r.delivered}/${r.sent} ${phase.unit} delivered${r.run < phase.count ? `; stopped after ${r.run}` : ''}`;
    rows.push(row(phase.name, `${r.run} cycles (after ${WARMUP_CYCLES} warm-up)`, r.seconds, r.before, r.after, result));
    trendRows.push(trendRow(phase.name, r.points));
    noteGrowth(phase.name, r.before, r.after, r.run);
    for (const [error, n] of r.errors) notes.push(`${phase.name}: ${n}× ${error}`);
    noteWarnings(phase.name, r.logFrom);
    console.log(markdownTable(HEADER, rows.slice(-1)));
  }
  if (!interrupt.signal.aborted && FLOOD_ROUNDS > 0 && FLOOD_DATA_OFFERS + FLOOD_MEDIA_OFFERS > 0) await floodPhase();
} finally {
  for (const s of [sockets.source, sockets.sinkA, sockets.sinkB]) s.close();
  await gateway.stop();
}

const runSeconds = (performance.now() - runStarted) / 1000;
const summary = [
  `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, in ${where}; the whole run took ${fmt(runSeconds)} s.`,
  settings,
  '',
  markdownTable(HEADER, rows),
  ...(trendRows.length
    ? ['', `Growth per cycle (least-squares slope over the snapshots taken every ${SAMPLE_EVERY} cycles, each after a full collection):`, '', markdownTable(TREND_HEADER, trendRows)]
    : []),
  ...(notes.length ? ['', notes.map((n) => `- ${n}`).join('\n')] : []),
].join('\n');
console.log(`\n${summary}`);
// npm run bench (bench/run.ts) sets SOAK_DOCS: the tables in docs/BENCHMARKS.md are this run's.
if (process.env['SOAK_DOCS'] && !interrupt.signal.aborted) writeDocsBlock('soak-table', summary);
process.exit(interrupt.signal.aborted ? 130 : 0);

/** Phase 3: three rows per flood round, each against the same "before". */
async function floodPhase(): Promise<void> {
  const { before, rounds, logFrom } = await runFloodPhase(gateway, {
    rounds: FLOOD_ROUNDS,
    peers: FLOOD_PEERS,
    dataOffers: FLOOD_DATA_OFFERS,
    mediaOffers: FLOOD_MEDIA_OFFERS,
    mediaOfferBytes: FLOOD_MEDIA_OFFER_BYTES,
    offerTimeoutMs: OFFER_TIMEOUT_MS,
    settleMs: SETTLE_MS,
    roundSeconds: PHASE_SECONDS,
    signal: interrupt.signal,
  });
  for (const [i, r] of rounds.entries()) {
    const name = rounds.length > 1 ? `offer flood ${i + 1}` : 'offer flood';
    const f = r.flood;
    const to = FLOOD_PEERS > 1 ? ` to ${FLOOD_PEERS} peers` : '';
    const work = `${f.sent.data} data + ${f.sent.media} media OFFERs${to}, ${fmt(f.bytes / 2 ** 20)} MiB in ${fmt(f.seconds, 1)} s`;
    const refused = r.refused.reduce((s, [, n]) => s + n, 0);
    const reasons = r.refused.map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
    const replies = Object.entries(f.received)
      .map(([type, n]) => `${n} ${type}`)
      .join(', ');
    const polls = `REST status polls during it: ${r.statusPolls.ok} answered, ${r.statusPolls.failed} failed`;
    rows.push(
      row(`${name}: peak during the flood`, work, f.seconds, before, r.peak, `refused ${refused} of ${f.sent.data + f.sent.media} (${reasons})`),
      row(`${name}: 1 s after the flooder left`, '', r.leftAt, before, r.left, `flooder got ${replies}${f.closedByServer ? `; server closed it (${f.closedByServer})` : ''}`),
      row(
        `${name}: after offer_timeout_ms (${fmt(OFFER_TIMEOUT_MS / 1000)} s) and settling`,
        '',
        r.afterAt,
        before,
        r.after,
        `${polls}; target peer ${r.disconnected ? 'lost its signaling connection' : 'stayed connected'}`,
      ),
    );
    noteGrowth(name, before, r.after, undefined);
    console.log(markdownTable(HEADER, rows.slice(-3)));
  }
  noteWarnings('offer flood', logFrom);
}

/** A note for every count that did not come back, and for memory that grew by more than 1 MB. */
function noteGrowth(phase: string, before: Snapshot, after: Snapshot, cycles: number | undefined): void {
  const per = (d: number, unit = '') => (cycles ? ` (${fmt(d / cycles, 3)}${unit} per cycle)` : '');
  for (const [key, label] of [
    ['descriptors', 'descriptors'],
    ['threads', 'threads'],
    ['udpSockets', 'UDP sockets'],
  ] as const) {
    const d = after[key] - before[key];
    if (d !== 0) notes.push(`${phase}: ${label} ${d > 0 ? 'grew' : 'fell'} by ${Math.abs(d)}${per(d)} after settling`);
  }
  const heapKb = after.heapKb - before.heapKb;
  if (heapKb > 1024) notes.push(`${phase}: JS heap after a full collection grew by ${fmt(heapKb / 1024, 1)} MB${per(heapKb, ' kB')}`);
  const rssKb = after.rssKb - before.rssKb;
  const v8Kb = after.heapCommittedKb - before.heapCommittedKb;
  if (rssKb > 1024) {
    notes.push(
      `${phase}: RSS after settling grew by ${fmt(rssKb / 1024, 1)} MB${per(rssKb, ' kB')}: ` +
        `V8's heap (heapTotal) by ${fmt(v8Kb / 1024, 1)} MB, memory outside it by ${fmt((rssKb - v8Kb) / 1024, 1)} MB`,
    );
  }
}

function noteWarnings(phase: string, from: number): void {
  for (const [message, n] of gateway.warningsSince(from)) notes.push(`${phase}: the gateway logged ${n}× "${message}"`);
}

async function openSockets(): Promise<CycleSockets> {
  const [source, sinkA, sinkB] = [new UdpSink(), new UdpSink(), new UdpSink()];
  await source.open();
  return { source, sinkA, sinkB, sinkAPort: await sinkA.open(), sinkBPort: await sinkB.open() };
}

function describeSettings(gatewayArgs: string[], limit: { soft: string; hard: string }): string {
  const flags: Record<string, string> = {};
  for (let i = 0; i < gatewayArgs.length; i += 2) flags[gatewayArgs[i]!.replace(/^--/, '')] = gatewayArgs[i + 1]!;
  const { config } = loadConfig({ flags, env: {} });
  const l = config.limits;
  return [
    `Gateway: \`webrtc-gateway ${gatewayArgs.join(' ')}\` (max open files ${limit.soft} soft / ${limit.hard} hard);`,
    `limits in force: max_pending_offers ${l.maxPendingOffers}, offer_timeout_ms ${l.offerTimeoutMs}, max_connections_per_peer ${l.maxConnectionsPerPeer},`,
    `max_connections ${l.maxConnections}, max_metadata_bytes ${l.maxMetadataBytes}, signaling_send_buffer_limit ${config.signaling?.sendBufferLimitBytes}.`,
    `Soak: ${WARMUP_CYCLES} warm-up cycles per kind, a snapshot every ${SAMPLE_EVERY} cycles, settling ≥ ${fmt(SETTLE_MS / 1000)} s before each "before" and "after";`,
    `flood: ${FLOOD_ROUNDS} round(s), ${FLOOD_PEERS} flooded peer(s), media OFFERs of ${fmt(FLOOD_MEDIA_OFFER_BYTES)} bytes.`,
  ].join('\n');
}
