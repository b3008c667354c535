/**
 * Checks the Janus system of the fan-out benchmark (systems/janus.ts) with real libwebrtc viewers
 * (@roamhq/wrtc): starts it, connects `viewers` RTCPeerConnections that answer Janus's offers
 * (trickling their candidates through the child), sends `seconds` of GStreamer VP8 (~1.5 Mbit/s,
 * PT 96) and Opus (64 kbit/s, PT 111) to its ports, and prints what each viewer decoded, janus's
 * CPU idle and while forwarding, and the child's stats. Exits 1 unless every viewer decoded video.
 * Usage: node --import tsx bench/fanout/janusCheck.ts [viewers=3] [seconds=3] [-- janus.ts args]
 * In a loopback-only namespace: unshare --net --map-root-user sh -c 'ip link set lo up && node ...'
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

import wrtc from '@roamhq/wrtc';

import { processCpuNanos } from '../lib/cpu.js';
import { TsChild } from '../lib/tsChild.js';

const { RTCPeerConnection, nonstandard } = wrtc as any;
const dash = process.argv.indexOf('--');
const [viewerCount, seconds] = [Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 3)];
const childArgs = dash >= 0 ? process.argv.slice(dash + 1) : [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Viewer {
  id: string;
  pc: any;
  frames: number;
  sizes: Set<string>;
  audioSamples: number;
  sinks: { stop(): void }[];
  setupMs: { offer: number; answer: number; connected: number };
}

const janus = new TsChild('../fanout/systems/janus.ts', childArgs);
const ask = (m: { type: string; [field: string]: unknown }): Promise<any> => janus.request(m);
const ready = await janus.next('ready', 30_000);
const pid: number = ready.measurePid;
console.log(`janus pid ${pid}: video port ${ready.videoPort}, audio port ${ready.audioPort}`);

/** janus's CPU (% of one core) and RSS over `ms`. */
async function janusLoad(ms: number): Promise<string> {
  const before = processCpuNanos(pid);
  await sleep(ms);
  const cpu = ((processCpuNanos(pid) - before) / 1e6 / ms) * 100;
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1];
  return `${cpu.toFixed(1)} % of a core, RSS ${(Number(rss) / 1024).toFixed(1)} MiB`;
}

console.log(`janus idle: ${await janusLoad(2000)}`);

async function addViewer(): Promise<Viewer> {
  const t0 = performance.now();
  const offer = await janus.request({ type: 'offer' });
  const tOffer = performance.now();
  const v: Viewer = { id: offer.viewer, pc: new RTCPeerConnection({ iceServers: [] }), frames: 0, sizes: new Set(), audioSamples: 0, sinks: [], setupMs: { offer: 0, answer: 0, connected: 0 } };
  v.pc.ontrack = ({ track }: any) => {
    if (track.kind === 'video') {
      const sink = new nonstandard.RTCVideoSink(track);
      sink.onframe = ({ frame }: any) => (v.frames++, v.sizes.add(`${frame.width}x${frame.height}`));
      v.sinks.push(sink);
    } else {
      const sink = new nonstandard.RTCAudioSink(track);
      sink.ondata = (d: any) => (v.audioSamples += d.numberOfFrames);
      v.sinks.push(sink);
    }
  };
  v.pc.onicecandidate = ({ candidate: c }: any) =>
    janus.send({ type: 'candidate', viewer: v.id, candidate: c ? { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } : null });
  const connected = janus.next('connected', 15_000);
  await v.pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
  await v.pc.setLocalDescription(await v.pc.createAnswer());
  await ask({ type: 'answer', viewer: v.id, sdp: v.pc.localDescription.sdp });
  const tAnswer = performance.now();
  const up = await connected;
  if (up.viewer !== v.id) throw new Error(`connected ${up.viewer} while setting up ${v.id}`);
  v.setupMs = { offer: tOffer - t0, answer: tAnswer - t0, connected: performance.now() - t0 };
  const host = /a=candidate:\S+ \d udp \d+ (\S+ \d+) typ host/.exec(offer.sdp)?.[1];
  console.log(`viewer ${v.id}: offer ${v.setupMs.offer.toFixed(1)} ms, answered ${v.setupMs.answer.toFixed(1)} ms, webrtcup ${v.setupMs.connected.toFixed(1)} ms (Janus's candidate ${host})`);
  return v;
}

const viewers: Viewer[] = [];
for (let i = 0; i < viewerCount; i++) viewers.push(await addViewer());

// One GStreamer process, both streams; -e: it stops by itself after num-buffers.
const gst = spawn(
  'gst-launch-1.0',
  [
    '-q', '-e',
    ...(`videotestsrc is-live=true num-buffers=${seconds * 30} pattern=smpte horizontal-speed=8 ! video/x-raw,width=640,height=480,framerate=30/1 ` +
      `! vp8enc deadline=1 target-bitrate=1500000 keyframe-max-dist=30 ! rtpvp8pay pt=96 picture-id-mode=15-bit ! udpsink host=127.0.0.1 port=${ready.videoPort} ` +
      `audiotestsrc is-live=true wave=sine num-buffers=${seconds * 50} samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=2 ` +
      `! opusenc bitrate=64000 ! rtpopuspay pt=111 ! udpsink host=127.0.0.1 port=${ready.audioPort}`).split(' '),
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
const forwarding = janusLoad(seconds * 1000 - 500);
await once(gst, 'exit');
console.log(`janus forwarding to ${viewerCount} viewers: ${await forwarding}`);
await sleep(1000);

let failed = false;
for (const v of viewers) {
  const ok = v.frames >= seconds * 30 * 0.5;
  failed ||= !ok;
  console.log(`viewer ${v.id}: ${v.frames} video frames decoded (${[...v.sizes].join(', ') || 'none'}), ${v.audioSamples} audio samples played${ok ? '' : '  <-- too few frames'}`);
}
console.log('stats:', JSON.stringify(await janus.request({ type: 'stats' })));

for (const v of viewers) {
  const t0 = performance.now();
  await ask({ type: 'remove', viewer: v.id });
  v.sinks.forEach((s) => s.stop());
  v.pc.close();
  console.log(`viewer ${v.id} removed in ${(performance.now() - t0).toFixed(1)} ms`);
}
janus.send({ type: 'exit' });
await once(janus.process, 'exit');
console.log(failed ? 'FAILED: a viewer decoded too few frames' : `ok: all ${viewerCount} viewers decoded video`);
// Exit at once: libwebrtc may crash while Node tears down at a natural exit (node-webrtc#636).
process.exit(failed ? 1 : 0);
