/**
 * CI smoke test of the fan-out benchmark: 50 viewers of each system (our gateway in its three
 * setups and the two JS systems, which set up 50 viewers in a few seconds; not Janus, which
 * needs a network namespace), a few seconds of the recorded input, the benchmark's table, with
 * its quality probes (3 decoding viewers, 2 latency probes).
 * Exits 1 only when a viewer did not connect, lost a packet, a system counted a failed send, a
 * quality probe did not connect or a decoder decoded no frame at all, or a run failed; never
 * because of how fast or slow anything was.
 * Usage: node --import tsx bench/fanout/smoke.ts [viewers=50] [seconds=3] [systems=gateway,gateway-shared-port,gateway-whep,node-datachannel,werift]
 */
import { markdownTable } from '../lib/table.js';
import { runFanout } from './fanoutRun.js';
import { recordInput } from './inputRecording.js';
import { HEADER, noteRow, resultRow } from './report.js';
import { SYSTEM_NAMES, unavailable, type SystemName } from './systemsUnderTest.js';

const VIEWERS = Number(process.argv[2] ?? 50);
const SECONDS = Number(process.argv[3] ?? 3);
const SYSTEMS = (process.argv[4] ?? 'gateway,gateway-shared-port,gateway-whep,node-datachannel,werift').split(',') as SystemName[];
for (const s of SYSTEMS) if (!SYSTEM_NAMES.includes(s)) throw new Error(`unknown system ${s}: one of ${SYSTEM_NAMES.join(', ')}`);

const input = await recordInput(SECONDS);
const packets = input.map((p) => ({ atUs: p.atUs, video: p.video, data: p.data.toString('base64') }));

const rows: string[][] = [];
const problems: string[] = [];
let portMin = 20_000;
for (const system of SYSTEMS) {
  const why = unavailable(system);
  if (why) {
    // Not installed is not a failure of the benchmark.
    rows.push(noteRow(system, '-', `not available: ${why}`));
    continue;
  }
  try {
    const r = await runFanout({ system, viewers: VIEWERS, seconds: SECONDS, concurrency: 16, packets, portMin: (portMin += 300) });
    rows.push(resultRow(r, undefined, SECONDS));
    if (r.connected < VIEWERS) problems.push(`${system}: ${VIEWERS - r.connected} of ${VIEWERS} viewers did not connect (${r.failures.join('; ')})`);
    const lossy = r.loss.filter((l) => l > 0).length;
    if (lossy) problems.push(`${system}: ${lossy} viewers lost packets (worst ${(Math.max(...r.loss) * 100).toFixed(2)} %)`);
    if (r.systemErrors) problems.push(`${system}: ${r.systemErrors} failed sends`);
    // Quality probes: connected and decoding at all, no timing threshold.
    for (const note of r.quality?.notes ?? []) problems.push(`${system}: ${note.split('\n')[0]}`);
    const undecoded = r.quality?.decoders?.filter((d) => !d.framesDecoded) ?? [];
    if (r.quality && !r.quality.decoders) problems.push(`${system}: no decoder stats`);
    if (undecoded.length) problems.push(`${system}: ${undecoded.map((d) => d.id).join(', ')} decoded no frame`);
  } catch (e) {
    rows.push(noteRow(system, VIEWERS, `failed: ${(e as Error).message.split('\n')[0]}`));
    problems.push(`${system}: ${(e as Error).message}`);
  }
}

console.log(markdownTable(HEADER, rows));
for (const p of problems) console.error(`FAIL ${p}`);
console.log(problems.length ? 'fan-out smoke: FAILED' : `fan-out smoke: ok (${VIEWERS} viewers per system, no loss)`);
process.exit(problems.length ? 1 : 0);
