/**
 * A self-check of the fan-out floor: N sinks (bench/floor/udpSinks.cc) stand in for the viewers,
 * the floor (bench/floor/fanoutFloor.cc) sends them the recorded input of bench/fanout.ts
 * (inputRecording.ts, replayed in real time by replayProcess.ts, video and audio to the floor's
 * one port), and the table shows what the floor sent, what the sinks got and the floor's CPU.
 * Usage: node --import tsx bench/fanout/floorCheck.ts [N,...] [seconds]
 */
import { startFanoutFloor, startUdpSinks } from '../lib/floorPrograms.js';
import { markdownTable } from '../lib/table.js';
import { TsChild } from '../lib/tsChild.js';
import { describeInput, recordInput } from './inputRecording.js';

const COUNTS = (process.argv[2] ?? '300').split(',').map(Number);
const SECONDS = Number(process.argv[3] ?? 5);
const RECORD_SECONDS = 4;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log(`recording ${RECORD_SECONDS} s of input (GStreamer VP8 + Opus)...`);
const input = await recordInput(RECORD_SECONDS);
const described = describeInput(input);
const avgBytes = input.reduce((s, p) => s + p.data.length, 0) / input.length;
console.log(`input: video ${fmt(described.videoPps)} packets/s, audio ${fmt(described.audioPps)} packets/s, ${fmt(avgBytes)} B on average`);
const encoded = input.map((p) => ({ atUs: p.atUs, video: p.video, data: p.data.toString('base64') }));

const header = ['N', 'packets in', 'packets out', 'dropped', 'send calls', 'sink total', 'per sink min / max', 'sink socket drops', 'CPU µs / packet out', 'CPU of one core'];
const rows: (string | number)[][] = [];
for (const n of COUNTS) {
  const sinks = await startUdpSinks(n, SECONDS + 60);
  const replay = new TsChild('../fanout/replayProcess.ts');
  try {
    const floor = await startFanoutFloor(
      sinks.ports.map((port) => ({ host: '127.0.0.1', port })),
      SECONDS + 30,
    );
    const done = replay.next('done', (SECONDS + 30) * 1000);
    replay.send({ type: 'start', packets: encoded, videoPort: floor.port, audioPort: floor.port, seconds: SECONDS });
    const sent = await done;
    const result = await floor.result;
    const counts = await sinks.stop();
    const cpuNs = result.cpuNsPerPacketOut * result.packetsOut;
    rows.push([
      n,
      `${fmt(result.packetsIn)} of ${fmt(sent.sent.video + sent.sent.audio)}`,
      fmt(result.packetsOut),
      result.dropped,
      fmt(result.sendCalls),
      fmt(counts.total),
      `${fmt(counts.min)} / ${fmt(counts.max)}`,
      counts.socketDrops,
      fmt(result.cpuNsPerPacketOut / 1000, 2),
      `${fmt((cpuNs / 1e9 / result.activeSeconds) * 100, 0)} %`,
    ]);
    console.log(markdownTable(header, rows.slice(-1)));
  } finally {
    replay.kill();
    await sinks.stop();
  }
}
console.log(`\n${markdownTable(header, rows)}`);
