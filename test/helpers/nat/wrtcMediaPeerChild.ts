// A remote peer for media calls with the gateway: the stock `peerjs` client on libwebrtc
// (@roamhq/wrtc), registered on the gateway's PeerJS server, answering every call with a camera
// of its own (320x240 at 30 fps) and counting the frames it decodes. Run on a host of the NAT
// topology through WrtcMediaPeer.ts:
//
//   wrtcMediaPeerChild.ts --server HOST:PORT --id ID --config '<RTCConfiguration as JSON>'
//
// Commands, one JSON object a line on stdin:
//   {"cmd":"stats","id":N}                    report (the event carries id)
//   {"cmd":"stats","id":N,"resetGaps":true}   report, then measure frame gaps afresh from now
// Events, one JSON object a line on stdout:
//   {"event":"open","id"}   {"event":"call","peer"}   {"event":"stream","tracks":[...]}
//   {"event":"error","type","message"}   a peerjs error (the process keeps running)
//   {"event":"stats","id",...}           MediaPeerStats (WrtcMediaPeer.ts)
// It exits when stdin closes.
import wrtc from '@roamhq/wrtc';

import { loadStockPeerjs } from '../stockPeerjs.js';
import { onStdinCommands } from './stdinCommands.js';
import type { MediaPeerCandidate, MediaPeerStats } from './WrtcMediaPeer.js';

const WIDTH = 320;
const HEIGHT = 240;
const FRAME_MS = 33;

/** What the parent reads (WrtcMediaPeer.ts owns the shapes), tagged as a stats event. */
type Stats = MediaPeerStats & { event: 'stats'; id: unknown };

const print = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (v === undefined) throw new Error(`wrtcMediaPeerChild: --${name} is required`);
  return v;
}

const summarize = (c: any): MediaPeerCandidate => ({
  type: c?.candidateType,
  protocol: c?.protocol,
  address: c?.address ?? c?.ip,
  port: c?.port,
  relayProtocol: c?.relayProtocol ?? null,
});

/** Decoded frames, and the longest wait for one since the last reset (a stall still going on included). */
class FrameClock {
  frames = 0;
  size: string | null = null;
  private lastFrame: number | undefined;
  /** The later of the last frame and the last reset: where the current wait started. */
  private waitingSince = performance.now();
  private maxGap = 0;

  frame(width: number, height: number): void {
    const now = performance.now();
    this.maxGap = Math.max(this.maxGap, now - this.waitingSince);
    this.waitingSince = now;
    this.lastFrame = now;
    this.frames++;
    this.size = `${width}x${height}`;
  }

  reset(): void {
    this.waitingSince = performance.now();
    this.maxGap = 0;
  }

  report(): { maxFrameGapMs: number | null; sinceLastFrameMs: number | null } {
    if (this.lastFrame === undefined) return { maxFrameGapMs: null, sinceLastFrameMs: null };
    const now = performance.now();
    return { maxFrameGapMs: Math.round(Math.max(this.maxGap, now - this.waitingSince)), sinceLastFrameMs: Math.round(now - this.lastFrame) };
  }
}

async function collect(pc: RTCPeerConnection | undefined, id: unknown, clock: FrameClock): Promise<Stats> {
  const base: Stats = { event: 'stats', id, sinkFrames: clock.frames, frameSize: clock.size, ...clock.report(), inbound: null, outbound: null, selected: null };
  if (!pc) return base;
  const byId = new Map<string, any>();
  (await pc.getStats()).forEach((s: any) => byId.set(s.id, s));
  for (const s of byId.values()) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      base.inbound = { packetsReceived: s.packetsReceived ?? 0, packetsLost: s.packetsLost ?? 0, framesDecoded: s.framesDecoded ?? 0, nackCount: s.nackCount ?? 0 };
    }
    if (s.type === 'outbound-rtp' && s.kind === 'video') base.outbound = { packetsSent: s.packetsSent ?? 0, framesEncoded: s.framesEncoded ?? 0 };
  }
  const transport = [...byId.values()].find((s) => s.type === 'transport');
  let pair = transport?.selectedCandidatePairId ? byId.get(transport.selectedCandidatePairId) : undefined;
  pair ??= [...byId.values()].find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  if (pair) {
    base.selected = {
      local: summarize(byId.get(pair.localCandidateId)),
      remote: summarize(byId.get(pair.remoteCandidateId)),
      bytesSent: pair.bytesSent ?? 0,
      bytesReceived: pair.bytesReceived ?? 0,
    };
  }
  return base;
}

async function main(): Promise<void> {
  const [host, port] = arg('server').split(':') as [string, string];
  const config = JSON.parse(arg('config')) as RTCConfiguration;
  const Peer = await loadStockPeerjs();
  const { RTCVideoSink, RTCVideoSource } = (wrtc as any).nonstandard;

  // The camera: a frame every 33 ms whose picture changes (a moving ramp), so each one encodes to something.
  const source = new RTCVideoSource();
  const track = source.createTrack();
  const frame = { width: WIDTH, height: HEIGHT, data: new Uint8ClampedArray(WIDTH * HEIGHT * 1.5) };
  let tick = 0;
  const camera = setInterval(() => {
    for (let y = 0; y < HEIGHT; y++) frame.data.fill((y + tick * 4) & 0xff, y * WIDTH, (y + 1) * WIDTH);
    frame.data.fill(128, WIDTH * HEIGHT);
    tick++;
    source.onFrame(frame);
  }, FRAME_MS);
  const stream = new (wrtc as any).MediaStream([track]);

  const clock = new FrameClock();
  const sinks: { stop(): void }[] = [];
  let current: any;
  const peer = new Peer(arg('id'), { host, port: Number(port), path: '/', key: 'peerjs', secure: false, debug: 0, config });
  peer.on('open', (id: string) => print({ event: 'open', id }));
  peer.on('error', (e: Error & { type?: string }) => print({ event: 'error', type: e.type ?? null, message: e.message }));
  peer.on('call', (mc: any) => {
    current = mc;
    mc.on('stream', (remote: any) => {
      const tracks = remote.getTracks();
      print({ event: 'stream', tracks: tracks.map((t: any) => t.kind) });
      for (const t of tracks) {
        if (t.kind !== 'video' || sinks.length >= 8) continue;
        const sink = new RTCVideoSink(t);
        sink.onframe = ({ frame: f }: any) => clock.frame(f.width, f.height);
        sinks.push(sink);
      }
    });
    mc.answer(stream);
    print({ event: 'call', peer: mc.peer });
  });

  onStdinCommands(
    async (msg) => {
      if (msg.cmd !== 'stats') throw new Error(`unknown command ${JSON.stringify(msg.cmd)}`);
      print((await collect(current?.peerConnection, msg.id, clock)) as unknown as Record<string, unknown>);
      if (msg.resetGaps) clock.reset();
    },
    (e) => void print({ event: 'error', type: 'command', message: e.message }),
    () => {
      clearInterval(camera);
      sinks.forEach((s) => s.stop());
      track.stop();
      peer.destroy();
      // Exit at once: libwebrtc may crash while Node tears down at a natural exit (node-webrtc#636).
      process.exit(0);
    },
  );
}

main().catch((e: Error) => {
  print({ event: 'error', type: 'start', message: e.message });
  process.exit(1);
});
