/**
 * Self-check of the fan-out quality probes, with our gateway as the sender: gateway B
 * (ViewerGateway), 3 decoding viewers (wrtcViewers.ts) and 2 latency probes (latencyProbes.ts) on
 * B's signaling server, gateway A calling probe-0, then 20 of B's ordinary viewers, the decoders
 * and probe-1 (so the probes sit first and last in A's fan-out order). The recorded input is
 * replayed into A for `seconds`, mirrored straight to the latency sink for the floor. Prints what
 * each decoder decoded and the latencies; exits 1 if a decoder got under 90 % of the frames sent.
 * Usage: [QUALITY_INPUT=file] node --import tsx bench/fanout/quality/qualityCheck.ts [seconds=10] [viewers=20] [decoders=3]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import { describeInput, recordInput, type RecordedPacket } from '../inputRecording.js';
import type { SendTimes } from '../replayProcess.js';
import { ViewerGateway } from '../viewerGateway.js';
import { processCpuNanos } from '../../lib/cpu.js';
import { callSendOnly, openPeer } from '../../lib/mediaCall.js';
import { MediaGateway } from '../../lib/mediaGateway.js';
import { rest } from '../../../test/support/rest.js';
import { markdownTable } from '../../lib/table.js';
import { TsChild } from '../../lib/tsChild.js';
import { killQuietly } from '../stopping.js';
import { bounded, stopChild } from './children.js';
import { startLatencyProbes, type LatencyProbes, type PathLatency, type Percentiles } from './latencyProbes.js';
import { startDecodingViewers, type DecodingViewers } from './wrtcViewers.js';

const SECONDS = Number(process.argv[2] ?? 10);
const VIEWERS = Number(process.argv[3] ?? 20);
const DECODERS = Number(process.argv[4] ?? 3);
const RECORD_SECONDS = 10;
// Ports apart from bench/fanout.ts's (40200 and up), 100 per gateway.
const PORT_B = 52000;
const PORT_PROBES = 52200;
const PORT_A = 52400;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/**
 * The frames the replay sends in `seconds` (its loop as replayProcess.ts runs it) and the longest
 * interval between two of them: the input's own gaps (an encoder held up while recording) are a
 * floor for the decoders' worst gap.
 */
function inputFrames(input: RecordedPacket[], seconds: number): { frames: number; worstGapMs: number } {
  const loopUs = input.at(-1)!.atUs + 33_333;
  const starts: number[] = [];
  for (let loop = 0; loop * loopUs < seconds * 1e6; loop++) {
    let last: number | undefined;
    for (const p of input) {
      const due = loop * loopUs + p.atUs;
      if (!p.video || due >= seconds * 1e6 || p.data.readUInt32BE(4) === last) continue;
      last = p.data.readUInt32BE(4);
      starts.push(due);
    }
  }
  let worst = 0;
  for (let i = 1; i < starts.length; i++) worst = Math.max(worst, starts[i]! - starts[i - 1]!);
  return { frames: starts.length, worstGapMs: worst / 1000 };
}

function latencyRow(name: string, l: PathLatency | Percentiles): (string | number)[] {
  const p = 'packets' in l ? l : undefined;
  return [name, fmt(l.samples), fmt(l.p50Ms, 2), fmt(l.p99Ms, 2), fmt(l.maxMs, 2), p ? `${p.missing} / ${p.unmatched} / ${p.ambiguous} / ${p.duplicates}` : ''];
}

// Everything is bounded: a stuck step ends the run (the children exit when this process does).
const watchdog = setTimeout(() => {
  console.error(`qualityCheck: not done after ${SECONDS + 240} s`);
  process.exit(2);
}, (SECONDS + 240) * 1000);

// QUALITY_INPUT=<file>: the recording is kept there and reused, so runs compare on one input.
const inputFile = process.env['QUALITY_INPUT'];
let input: RecordedPacket[];
if (inputFile && existsSync(inputFile)) {
  input = (JSON.parse(readFileSync(inputFile, 'utf8')) as { atUs: number; video: boolean; data: string }[]).map((p) => ({ ...p, data: Buffer.from(p.data, 'base64') }));
  console.log(`input from ${inputFile}`);
} else {
  console.log(`recording ${RECORD_SECONDS} s of input...`);
  input = await recordInput(RECORD_SECONDS);
  if (inputFile) writeFileSync(inputFile, JSON.stringify(input.map((p) => ({ ...p, data: p.data.toString('base64') }))));
}
const described = describeInput(input);
console.log(`input: ${fmt(described.seconds, 1)} s, video ${fmt(described.videoPps)} packets/s, audio ${fmt(described.audioPps)} packets/s`);
// A busy machine holds the live encoder up: the recording then has fewer frames and gaps of its own.
if (described.seconds > RECORD_SECONDS * 1.05) console.log(`  warning: the encoder fell behind (${fmt(described.seconds, 1)} s for ${RECORD_SECONDS} s of frames)`);
const encoded = input.map((p) => ({ atUs: p.atUs, video: p.video, data: p.data.toString('base64') }));

let viewers: ViewerGateway | undefined;
let decoders: DecodingViewers | undefined;
let probes: LatencyProbes | undefined;
let gateway: MediaGateway | undefined;
let replay: TsChild | undefined;
let failed = false;
try {
  // Started now so it is loaded when the measured window begins.
  replay = new TsChild('../fanout/replayProcess.ts');
  viewers = await ViewerGateway.start(PORT_B);
  [decoders, probes, gateway] = await Promise.all([
    startDecodingViewers(viewers.signalingUrl, DECODERS),
    startLatencyProbes(viewers.signalingUrl, PORT_PROBES, 2),
    MediaGateway.start(PORT_A, viewers.signalingUrl),
  ]);
  const source = await openPeer(gateway.api, 'source');
  const video = await rest(gateway.api, 'POST', '/media', { is_video: true });
  const audio = await rest(gateway.api, 'POST', '/media', { is_video: false });
  const media = { video: video.media_id, audio: audio.media_id };
  await callSendOnly(source, media, probes.ids[0]!);
  for (let i = 0; i < VIEWERS; i += 10) await Promise.all(Array.from({ length: Math.min(10, VIEWERS - i) }, () => callSendOnly(source, media, 'viewers')));
  await Promise.all(decoders.ids.map((id) => callSendOnly(source, media, id)));
  await callSendOnly(source, media, probes.ids[1]!);
  console.log(`A calls: ${probes.ids[0]}, ${VIEWERS} × viewers, ${decoders.ids.join(', ')}, ${probes.ids[1]}`);
  await sleep(1000); // the last connections' first RTCP

  const done = replay.next('done', (SECONDS + 30) * 1000);
  await decoders.mark();
  const probePids = [decoders.pid, ...probes.pids];
  const cpuNs = probePids.map((pid) => processCpuNanos(pid));
  replay.send({ type: 'start', packets: encoded, videoPort: video.port, audioPort: audio.port, seconds: SECONDS, sendTimes: true, mirrorPort: probes.mirrorPort });
  const result = await done;
  const cpu = cpuNs.map((c, i) => processCpuNanos(probePids[i]!) - c);
  await sleep(500); // what is still in flight
  const [decoded, latency, counts] = await Promise.all([decoders.stats(), probes.result(result.sendTimes as SendTimes), viewers.counts()]);

  const sent = inputFrames(input, SECONDS);
  console.log(
    `\nreplay: ${fmt(result.sent.video)} video + ${fmt(result.sent.audio)} audio packets, p99 late ${fmt(result.lateMs, 2)} ms; ` +
      `${sent.frames} frames (${fmt(sent.frames / SECONDS, 1)} / s), worst gap between them ${fmt(sent.worstGapMs, 0)} ms (in the recording)`,
  );
  const lossy = counts.filter((c) => c.videoPackets < result.sent.video - 1 || c.audioPackets < result.sent.audio - 1).length;
  console.log(`B's ${counts.length} ordinary viewers: ${lossy} received fewer packets than sent`);
  const share = (ns: number) => `${fmt((ns / 1e9 / SECONDS) * 100, 0)} %`;
  console.log(`CPU of one core during the replay: decoders ${share(cpu[0]!)}, latency sink ${share(cpu[1]!)}, probe gateway ${share(cpu[2]!)}\n`);
  console.log(
    markdownTable(
      ['decoder', 'decoded', 'rendered', 'fps', 'first frame ms', 'worst gap ms', 'freezes', 'size', 'key / dropped', 'lost', 'NACK / PLI', 'jitter buffer ms', 'audio s (tone)', 'event loop max ms'],
      decoded.map((d) => {
        const w = d.webrtc;
        failed ||= (d.framesDecoded ?? 0) < sent.frames * 0.9;
        return [
          d.id,
          d.framesDecoded ?? '-',
          d.framesRendered,
          fmt(d.fps, 1),
          d.firstFrameMs === null ? '-' : fmt(d.firstFrameMs, 0),
          fmt(d.maxGapMs, 0),
          d.freezes,
          `${d.width}x${d.height}`,
          w ? `${w.keyFramesDecoded} / ${w.framesDropped}` : '-',
          w ? w.packetsLost : '-',
          w ? `${w.nackCount} / ${w.pliCount}` : '-',
          w ? fmt(w.jitterBufferMs, 1) : '-',
          `${fmt(d.audioSeconds, 1)} (${fmt(d.audibleSeconds, 1)})`,
          fmt(d.eventLoopMaxMs, 1),
        ];
      }),
    ),
  );
  console.log();
  const rows = latency.probes.map((l, i) => latencyRow(`replay → A → ${probes!.ids[i]}`, l));
  rows.push(latencyRow('replay → A → probes (all)', latency.all));
  if (latency.direct) rows.push(latencyRow('replay → sink (floor)', latency.direct));
  if (latency.added) rows.push(latencyRow('added (probe − floor, per packet)', latency.added));
  console.log(markdownTable(['path', 'samples', 'p50 ms', 'p99 ms', 'max ms', 'missing / unmatched / ambiguous / duplicates'], rows));
  console.log(failed ? '\nFAILED: a decoder got under 90 % of the frames sent' : '\nok');
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  const g = gateway;
  await Promise.all([
    replay ? stopChild(replay) : undefined,
    decoders?.stop(),
    probes?.stop(),
    g ? bounded(g.stop(), () => killQuietly(g.pid, 'SIGTERM')) : undefined,
  ]);
  const v = viewers;
  if (v) await bounded(v.stop(), () => killQuietly(v.gateway.pid, 'SIGTERM'));
  clearTimeout(watchdog);
}
// The auto-answer loops' long polls end with their gateways; do not wait for them.
process.exit(failed ? 1 : 0);
