/**
 * Decoding viewers in their own process (forked by wrtcViewers.ts): libwebrtc (@roamhq/wrtc)
 * behind the stock peerjs client, one PeerJS peer per id on a signaling server. Each answers
 * every media call receive-only and decodes it: RTCVideoSink gets every decoded frame, RTCAudioSink
 * every 10 ms of played-out audio. For a system that answers instead of calling (gateway-whep), a
 * viewer can be a WHEP player instead (draft-ietf-wish-whep): {type:'whep', id, url, token} makes
 * it POST a recvonly offer with all its candidates to `url` (answered {type:'whep', id, error?} once
 * connected); {type:'whepEnd'} DELETEs its session (answered {type:'whepEnd'}), as exit does.
 * Usage (forked with IPC): wrtcViewersProcess.ts <signalingUrl> <id>...
 * Sends {type:'ready', ids} once every peer is registered; {type:'mark'} starts the measured
 * window (answered with 'mark'); {type:'stats'} is answered with {type:'stats', viewers: DecoderStats[]};
 * {type:'exit'} frees everything and exits.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import wrtc from '@roamhq/wrtc';
import { WebSocket } from 'ws';

export interface DecoderStats {
  id: string;
  /** Calls answered. */
  calls: number;
  /** Frames libwebrtc decoded since the mark (its inbound-rtp framesDecoded; null: no call). */
  framesDecoded: number | null;
  /**
   * Frames the video sink got since the mark: what an application would render. libwebrtc's
   * pre-render smoothing drops decoded frames whose render time has passed, so this can be lower.
   */
  framesRendered: number;
  /** From the mark to the first frame, ms (null: none). */
  firstFrameMs: number | null;
  /** (frames - 1) / (last frame - first frame). */
  fps: number;
  /** Longest interval between two consecutive frames, ms. */
  maxGapMs: number;
  /**
   * Freezes as webrtc-stats defines freezeCount (this libwebrtc does not report it): an interval of
   * at least max(3 × mean, mean + 150 ms), the mean over the previous 30 intervals.
   */
  freezes: number;
  width: number;
  height: number;
  /** Audio played out since the mark, and how much of it was the tone (peak above -30 dBFS), s. */
  audioSeconds: number;
  audibleSeconds: number;
  /** Longest event-loop delay of the viewers' process since the mark, ms: a long one means gaps may be the probe's own. */
  eventLoopMaxMs: number;
  /** libwebrtc's video inbound-rtp counters since the mark (null: no call). */
  webrtc: {
    keyFramesDecoded: number;
    framesDropped: number;
    packetsReceived: number;
    packetsLost: number;
    nackCount: number;
    pliCount: number;
    /** jitterBufferDelay / jitterBufferEmittedCount over the window, ms. */
    jitterBufferMs: number;
  } | null;
}

/** The inbound-rtp counters kept, as libwebrtc names them. */
const COUNTERS = ['framesDecoded', 'keyFramesDecoded', 'framesDropped', 'packetsReceived', 'packetsLost', 'nackCount', 'pliCount', 'jitterBufferDelay', 'jitterBufferEmittedCount'] as const;
type Counters = Record<(typeof COUNTERS)[number], number>;

interface Viewer {
  id: string;
  peer: any;
  /** peerjs MediaConnections, or for a WHEP player {peerConnection, close()}. */
  calls: any[];
  /** The WHEP session URLs (201 Location) and their token, DELETEd at exit. */
  whepSessions: { url: string; token: string }[];
  tracks: Set<string>;
  sinks: { stop(): void }[];
  /** performance.now() of each frame since the mark (the first MAX_FRAMES). */
  frames: number[];
  width: number;
  height: number;
  audioSamples: number;
  audibleSamples: number;
  sampleRate: number;
  /** libwebrtc's counters at the mark. */
  atMark: Counters | null;
}

const MAX_FRAMES = 200_000;
const { RTCVideoSink, RTCAudioSink } = (wrtc as any).nonstandard;
const [signalingUrl, ...ids] = process.argv.slice(2);
if (!signalingUrl || ids.length === 0) throw new Error('usage: wrtcViewersProcess.ts <signalingUrl> <id>...');
let markAt = performance.now();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

// peerjs probes for WebRTC when its module loads: the libwebrtc globals and WebSocket come first.
const g = globalThis as Record<string, unknown>;
g['RTCPeerConnection'] ??= wrtc.RTCPeerConnection;
g['RTCSessionDescription'] ??= wrtc.RTCSessionDescription;
g['RTCIceCandidate'] ??= wrtc.RTCIceCandidate;
g['WebSocket'] ??= WebSocket;
const mod = (await import('peerjs')) as unknown as { Peer?: any; default?: { Peer?: any } };
const Peer = mod.Peer ?? mod.default!.Peer;

const url = new URL(signalingUrl);
const viewers: Viewer[] = ids.map((id) => {
  // No ICE servers: peerjs would otherwise add public STUN and TURN servers.
  const peer = new Peer(id, { host: url.hostname, port: Number(url.port), path: url.pathname, secure: false, debug: 0, config: { iceServers: [] } });
  const v: Viewer = { id, peer, calls: [], whepSessions: [], tracks: new Set(), sinks: [], frames: [], width: 0, height: 0, audioSamples: 0, audibleSamples: 0, sampleRate: 48000, atMark: null };
  peer.on('error', (e: Error) => console.error(`decoding viewer ${id}: ${e.message}`));
  peer.on('call', (mc: any) => {
    v.calls.push(mc);
    mc.on('stream', (stream: any) => attach(v, stream));
    mc.answer();
  });
  return v;
});

/**
 * WHEP playback (draft-ietf-wish-whep section 4.2): a recvonly offer with all its candidates
 * POSTed (no trickle), the 201's answer applied; resolves once connected.
 */
async function playWhep(v: Viewer, url: string, token: string, timeoutMs = 20_000): Promise<void> {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  v.calls.push({ peerConnection: pc, close: () => pc.close() });
  pc.ontrack = (e: any) => attach(v, e.streams[0] ?? new wrtc.MediaStream([e.track]));
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  await pc.setLocalDescription(await pc.createOffer());
  const deadline = Date.now() + timeoutMs;
  while (pc.iceGatheringState !== 'complete' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const res = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/sdp' },
    body: pc.localDescription!.sdp,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const answer = await res.text();
  const location = res.headers.get('location');
  if (res.status !== 201 || !location) throw new Error(`WHEP POST: ${res.status} ${answer.slice(0, 300)}`);
  v.whepSessions.push({ url: new URL(location, url).href, token });
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  const state = (): string => pc.connectionState ?? pc.iceConnectionState;
  while (state() !== 'connected') {
    if (state() === 'failed' || Date.now() > deadline) throw new Error(`WHEP player ${v.id}: ${state()} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** DELETE of every WHEP session, within 3 s together. */
async function deleteWhepSessions(): Promise<void> {
  const sessions = viewers.flatMap((v) => v.whepSessions.splice(0));
  const remove = (s: { url: string; token: string }) =>
    fetch(s.url, { method: 'DELETE', headers: { Authorization: `Bearer ${s.token}` }, signal: AbortSignal.timeout(3000) }).catch((e: Error) =>
      console.error(`decoding viewers: DELETE ${s.url}: ${e.message}`),
    );
  await Promise.all(sessions.map(remove));
}

/** peerjs fires 'stream' once per track with the same stream: each track gets one sink. */
function attach(v: Viewer, stream: any): void {
  for (const track of stream.getTracks()) {
    if (v.tracks.has(track.id)) continue;
    v.tracks.add(track.id);
    if (track.kind === 'video') {
      const sink = new RTCVideoSink(track);
      sink.onframe = ({ frame }: any) => {
        if (v.frames.length < MAX_FRAMES) v.frames.push(performance.now());
        v.width = frame.width;
        v.height = frame.height;
      };
      v.sinks.push(sink);
    } else {
      const sink = new RTCAudioSink(track);
      sink.ondata = (d: any) => {
        v.audioSamples += d.numberOfFrames;
        v.sampleRate = d.sampleRate;
        const samples = d.samples as Int16Array;
        let peak = 0;
        for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]!));
        if (peak > 1000) v.audibleSamples += d.numberOfFrames;
      };
      v.sinks.push(sink);
    }
  }
}

function frameStats(frames: number[]): Pick<DecoderStats, 'framesRendered' | 'firstFrameMs' | 'fps' | 'maxGapMs' | 'freezes'> {
  let maxGapMs = 0;
  let freezes = 0;
  const recent: number[] = [];
  for (let i = 1; i < frames.length; i++) {
    const gap = frames[i]! - frames[i - 1]!;
    maxGapMs = Math.max(maxGapMs, gap);
    if (recent.length > 0) {
      const mean = recent.reduce((s, x) => s + x, 0) / recent.length;
      if (gap >= Math.max(3 * mean, mean + 150)) freezes++;
    }
    recent.push(gap);
    if (recent.length > 30) recent.shift();
  }
  const span = frames.length > 1 ? frames.at(-1)! - frames[0]! : 0;
  return {
    framesRendered: frames.length,
    firstFrameMs: frames.length ? frames[0]! - markAt : null,
    fps: span > 0 ? ((frames.length - 1) * 1000) / span : 0,
    maxGapMs,
    freezes,
  };
}

/** The video inbound-rtp counters of the viewer's latest call (null: none yet). */
async function counters(v: Viewer): Promise<Counters | null> {
  const pc = v.calls.at(-1)?.peerConnection;
  if (!pc) return null;
  let out: Counters | null = null;
  (await pc.getStats()).forEach((s: any) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') out = Object.fromEntries(COUNTERS.map((c) => [c, s[c] ?? 0])) as Counters;
  });
  return out;
}

async function stats(): Promise<DecoderStats[]> {
  const eventLoopMaxMs = loopDelay.max / 1e6;
  return Promise.all(
    viewers.map(async (v) => {
      const now = await counters(v);
      // A call answered after the mark counts from zero.
      const d = (c: (typeof COUNTERS)[number]) => (now ? now[c] - (v.atMark?.[c] ?? 0) : 0);
      return {
        id: v.id,
        calls: v.calls.length,
        framesDecoded: now ? d('framesDecoded') : null,
        ...frameStats(v.frames),
        width: v.width,
        height: v.height,
        audioSeconds: v.audioSamples / v.sampleRate,
        audibleSeconds: v.audibleSamples / v.sampleRate,
        eventLoopMaxMs,
        webrtc: now
          ? {
              keyFramesDecoded: d('keyFramesDecoded'),
              framesDropped: d('framesDropped'),
              packetsReceived: d('packetsReceived'),
              packetsLost: d('packetsLost'),
              nackCount: d('nackCount'),
              pliCount: d('pliCount'),
              jitterBufferMs: d('jitterBufferEmittedCount') ? (d('jitterBufferDelay') / d('jitterBufferEmittedCount')) * 1000 : 0,
            }
          : null,
      };
    }),
  );
}

async function mark(): Promise<void> {
  for (const v of viewers) {
    v.atMark = await counters(v);
    v.frames.length = 0;
    v.audioSamples = v.audibleSamples = 0;
  }
  markAt = performance.now();
  loopDelay.reset();
}

function exit(code: number): never {
  for (const v of viewers) {
    v.sinks.splice(0).forEach((s) => s.stop());
    v.calls.forEach((mc) => mc.close());
    v.peer.destroy();
  }
  // Exit at once: libwebrtc may crash while Node tears down at a natural exit (node-webrtc#636).
  process.exit(code);
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'mark') {
    mark().then(
      () => process.send!({ type: 'mark' }),
      (e: Error) => process.send!({ type: 'mark', error: e.message }),
    );
  } else if (m.type === 'stats') {
    stats().then(
      (viewers) => process.send!({ type: 'stats', viewers }),
      (e: Error) => process.send!({ type: 'stats', error: e.message }),
    );
  } else if (m.type === 'whep') {
    const w = m as unknown as { id: string; url: string; token: string };
    const v = viewers.find((x) => x.id === w.id);
    (v ? playWhep(v, w.url, w.token) : Promise.reject(new Error(`no viewer ${w.id}`))).then(
      () => process.send!({ type: 'whep', id: w.id }),
      (e: Error) => process.send!({ type: 'whep', id: w.id, error: e.message }),
    );
  } else if (m.type === 'whepEnd') {
    void deleteWhepSessions().finally(() => process.send!({ type: 'whepEnd' }));
  } else if (m.type === 'exit') void deleteWhepSessions().finally(() => exit(0));
});
process.on('disconnect', () => exit(0));

await Promise.all(
  viewers.map(
    (v) =>
      new Promise<void>((resolve, reject) => {
        v.peer.once('open', () => resolve());
        v.peer.once('error', reject);
      }),
  ),
).catch((e: Error) => {
  console.error(`decoding viewers: ${e.message}`);
  exit(1);
});
process.send!({ type: 'ready', ids });
