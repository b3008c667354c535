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

function record() {
  console.log(`recording ${RECORD_SECONDS} s of input (GStreamer VP8 + Opus)...`);
  return recordInput(RECORD_SECONDS);
}

// A busy machine can slow the live encoders into a sparse recording (a run here replayed ~60
// instead of ~207 packets/s), so a short one is made again, three tries at most.
let input = await record();
let described = describeInput(input);
for (let tries = 1; tries < 3 && described.videoPps + described.audioPps < 180; tries++) {
  console.log(`only ${fmt(described.videoPps + described.audioPps)} packets/s recorded (encoders short of CPU?), recording again`);
  input = await record();
  described = describeInput(input);
}
const avgBytes = input.reduce((s, p) => s + p.data.length, 0) / input.length;
console.log(`input: video ${fmt(described.videoPps)} packets/s, audio ${fmt(described.audioPps)} packets/s, ${fmt(avgBytes)} B on average`);
const encoded = input.map((p) => ({ atUs: p.atUs, video: p.video, data: p.data.toString('base64') }));

const header = ['N', 'packets in', 'packets out', 'dropped', 'send calls', 'sink total', 'per sink min / max', 'sink socket drops', 'CPU µs / packet out', 'CPU of one core', 'floor active s'];
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
      // Per second of input, as bench/fanout.ts counts it; "active" longer than the input means
      // the floor fell behind (it shares the two vCPUs with the sinks and the replay).
      `${fmt((cpuNs / 1e9 / SECONDS) * 100, 0)} %`,
      fmt(result.activeSeconds, 1),
    ]);
    console.log(markdownTable(header, rows.slice(-1)));
  } finally {
    replay.kill();
    await sinks.stop();
  }
}
console.log(`\n${markdownTable(header, rows)}`);
const inputPps = described.videoPps + described.audioPps;
if (inputPps < 180) console.log(`\nwarning: the input was sparse (${fmt(inputPps)} packets/s instead of ~207), the machine is busy`);
