/**
 * Fan-out: one VP8 1.5 Mbit/s + Opus 64 kbit/s stream to N WebRTC viewers.
 * Gateway A (the system measured, its own process) receives the recorded input
 * (bench/fanout/inputRecording.ts, replayed in real time by its own process) on one video and
 * one audio port and sends it to N media connections, one per viewer; the viewers are gateway
 * B (bench/fanout/viewerGateway.ts), which answers each call receive-only and counts what
 * arrives. Reported per N: setup rate, A's CPU per outgoing packet (its whole process, from
 * /proc), its share of one core, packets in and out, A's send drops, loss per viewer (B's
 * counts against what the replay sent), A's RSS and MB per viewer. Beside it, the floor: the
 * same cipher (AES-128-GCM) and sendmmsg with no logic (bench/floor/srtpSendFloor.cc).
 * Usage: node --import tsx bench/fanout.ts [viewers,...] [seconds] [concurrency]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

import { describeInput, recordInput } from './fanout/inputRecording.js';
import { ViewerGateway } from './fanout/viewerGateway.js';
import { runSendFloor } from './lib/floorPrograms.js';
import { openPeer, type RestPeer } from './lib/mediaCall.js';
import { MediaGateway } from './lib/mediaGateway.js';
import { rest } from './lib/rest.js';
import { AUDIO_PT, VIDEO_PT } from './lib/rtpStream.js';
import { markdownTable } from './lib/table.js';
import { TsChild } from './lib/tsChild.js';

const VIEWERS = (process.argv[2] ?? '100,300,1000').split(',').map(Number);
const SECONDS = Number(process.argv[3] ?? 10);
const CONCURRENCY = Number(process.argv[4] ?? 16);
const RECORD_SECONDS = 10;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

async function awaitStream(base: string, id: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const e = await rest(base, 'GET', `/media/connections/${id}/events`);
    if (e.event === 'STREAM') return;
    if (e.event === 'CLOSE' || e.event === 'ERROR') throw new Error(`${id}: ${e.event} ${e.error_message ?? ''}`);
  }
  throw new Error(`${id}: no STREAM`);
}

/** N send-only calls from `source`'s ports to the viewers, `CONCURRENCY` at a time; viewers per second. */
async function connectViewers(source: RestPeer, media: { video: string; audio: string }, n: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const { params } = await rest(source.base, 'POST', '/media/connections', {
        peer_id: source.id,
        token: source.token,
        target_id: 'viewers',
        constraints: {
          video: true,
          videoReceiveEnabled: false,
          audio: true,
          audioReceiveEnabled: false,
          video_params: { band_width: 1500, codec: 'VP8', media_id: media.video, payload_type: VIDEO_PT },
          audio_params: { band_width: 64, codec: 'OPUS', media_id: media.audio, payload_type: AUDIO_PT },
        },
      });
      await awaitStream(source.base, params.media_connection_id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
  return n / ((performance.now() - t0) / 1000);
}

console.log(`recording ${RECORD_SECONDS} s of input (GStreamer VP8 1.5 Mbit/s 640x480 + Opus 64 kbit/s)...`);
const input = await recordInput(RECORD_SECONDS);
const described = describeInput(input);
console.log(
  `input: ${fmt(described.seconds, 1)} s, video ${fmt(described.videoPps)} packets/s ${fmt(described.videoKbps)} kbit/s, audio ${fmt(described.audioPps)} packets/s ${fmt(described.audioKbps)} kbit/s`,
);
const avgBytes = input.reduce((s, p) => s + p.data.length, 0) / input.length;
const encoded = input.map((p) => ({ atUs: p.atUs, video: p.video, data: p.data.toString('base64') }));

const floor = runSendFloor('both', 200_000, Math.round(avgBytes + 16), 32);
const rows: (string | number)[][] = [];
let port = 40000;
for (const n of VIEWERS) {
  const viewers = await ViewerGateway.start((port += 200));
  const gateway = await MediaGateway.start((port += 200), viewers.signalingUrl);
  try {
    const source = await openPeer(gateway.api, 'source');
    const video = await rest(gateway.api, 'POST', '/media', { is_video: true });
    const audio = await rest(gateway.api, 'POST', '/media', { is_video: false });
    const rssBefore = rssMb(gateway.pid);
    const setupRate = await connectViewers(source, { video: video.media_id, audio: audio.media_id }, n);
    await new Promise((r) => setTimeout(r, 1000)); // the last connections' first RTCP
    const replay = new TsChild('../fanout/replayProcess.ts');
    const cpu0 = gateway.processCpuNs();
    const stats0 = await gateway.engineStats();
    const done = replay.next('done', (SECONDS + 30) * 1000);
    // FANOUT_PERF=<file>: a profile of gateway A during the load (perf record -e cpu-clock).
    const perf = process.env['FANOUT_PERF']
      ? spawn('perf', ['record', '-e', 'cpu-clock', '-g', '-p', String(gateway.pid), '-o', `${process.env['FANOUT_PERF']}.${n}`, '--', 'sleep', String(SECONDS)], { stdio: 'ignore' })
      : undefined;
    replay.send({ type: 'start', packets: encoded, videoPort: video.port, audioPort: audio.port, seconds: SECONDS });
    const result = await done;
    if (perf && perf.exitCode === null) await once(perf, 'exit');
    await new Promise((r) => setTimeout(r, 500)); // what is still queued
    const cpu = gateway.processCpuNs() - cpu0;
    const stats = await gateway.engineStats();
    const rss = rssMb(gateway.pid);
    replay.send({ type: 'exit' });
    const sentIn = result.sent.video + result.sent.audio;
    const out = (stats.datagramsSent ?? 0) - (stats0.datagramsSent ?? 0);
    const drops = (stats.datagramsSendDropped ?? 0) - (stats0.datagramsSendDropped ?? 0);
    const counts = await viewers.counts();
    // RFC 3550 A.1: a receiver counts a source's packets once two in sequence validated it, so
    // the first of each stream is not in its count.
    const missing = (c: (typeof counts)[number]) => Math.max(0, result.sent.video - 1 - c.videoPackets) + Math.max(0, result.sent.audio - 1 - c.audioPackets);
    const loss = counts.map((c) => missing(c) / sentIn);
    const lossy = loss.filter((l) => l > 0).length;
    rows.push([
      'webrtc-gateway',
      n,
      fmt(setupRate, 0),
      fmt(sentIn),
      fmt(out),
      fmt(cpu / out / 1000, 2),
      fmt(cpu / out / floor.cpuNsPerPacket, 2),
      `${fmt((cpu / 1e9 / SECONDS) * 100, 0)} %`,
      drops,
      `${lossy} / ${counts.length}`,
      `${fmt(Math.max(...loss, 0) * 100, 2)} %`,
      fmt(rss, 0),
      fmt((rss - rssBefore) / n, 2),
      fmt(result.lateMs, 1),
    ]);
    console.log(markdownTable(header(), rows.slice(-1)));
  } finally {
    await gateway.stop();
    await viewers.stop();
  }
}

function header(): string[] {
  return ['system', 'viewers', 'setup / s', 'packets in', 'packets out', 'CPU µs / packet out', 'of floor', 'CPU of one core', 'send drops', 'viewers with loss', 'worst loss', 'RSS MB', 'MB / viewer', 'replay p99 late ms'];
}

console.log(`\nfloor (seal + sendmmsg of ${Math.round(avgBytes + 16)} B, batch 32): ${fmt(floor.cpuNsPerPacket / 1000, 2)} µs / packet\n`);
console.log(markdownTable(header(), rows));
