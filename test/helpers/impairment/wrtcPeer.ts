// A receive-only WebRTC peer for the peer side of an impaired link: libwebrtc (@roamhq/wrtc) driving
// the stock `peerjs` client. Run it inside the peer namespace with spawnPeerScript:
//
//   wrtcPeer.ts --host 10.77.N.1 --port P [--path /] [--key peerjs] [--id receiver] [--interval-ms 1000]
//
// It registers on the PeerJS signaling server at host:port, answers every incoming media call
// without media of its own, and prints JSON lines on stdout:
//   {"event":"open","id":...}                    registered
//   {"event":"call","peer":...}                  a call came and was answered
//   {"event":"stream","tracks":["video",...]}    its remote stream arrived
//   {"event":"stats",...}                        every interval, see Stats below
//   {"event":"error","message":...}              a peerjs error (the process keeps running)
// It exits when stdin closes.
import wrtc from '@roamhq/wrtc';

import { loadStockPeerjs } from '../stockPeerjs.js';

/**
 * Video inbound-rtp fields for the summary, null where absent. What libwebrtc in @roamhq/wrtc 0.10
 * reports (seen across an impaired link): packetsReceived, packetsLost, bytesReceived,
 * headerBytesReceived, jitter, lastPacketReceivedTimestamp, jitterBufferDelay,
 * jitterBufferEmittedCount, framesReceived, frameWidth, frameHeight, framesPerSecond, framesDecoded,
 * keyFramesDecoded, framesDropped, totalDecodeTime, totalProcessingDelay, totalAssemblyTime,
 * framesAssembledFromMultiplePackets, totalInterFrameDelay, totalSquaredInterFrameDelay, qpSum,
 * minPlayoutDelay, decoderImplementation, nackCount, pliCount, firCount (plus ids, ssrc, kind, mid).
 * Not reported by this version (always null here): freezeCount, totalFreezesDuration, pauseCount,
 * totalPausesDuration; they are kept so a newer libwebrtc fills them in.
 */
const VIDEO_FIELDS = [
  'packetsReceived',
  'packetsLost',
  'bytesReceived',
  'headerBytesReceived',
  'jitter',
  'framesReceived',
  'framesDecoded',
  'keyFramesDecoded',
  'framesDropped',
  'frameWidth',
  'frameHeight',
  'framesPerSecond',
  'nackCount',
  'pliCount',
  'firCount',
  'freezeCount',
  'totalFreezesDuration',
  'pauseCount',
  'totalPausesDuration',
  'totalDecodeTime',
  'totalProcessingDelay',
  'totalAssemblyTime',
  'framesAssembledFromMultiplePackets',
  'totalInterFrameDelay',
  'totalSquaredInterFrameDelay',
  'jitterBufferDelay',
  'jitterBufferEmittedCount',
  'qpSum',
  'minPlayoutDelay',
  'lastPacketReceivedTimestamp',
  'decoderImplementation',
] as const;

interface Stats {
  event: 'stats';
  /** ms since the call was answered. */
  elapsedMs: number;
  /** VIDEO_FIELDS of the video inbound-rtp (null where this libwebrtc does not report one). */
  video: Record<(typeof VIDEO_FIELDS)[number], number | string | null> | null;
  /** Frames an RTCVideoSink on the remote video track received (decoded and delivered). */
  sinkFrames: number;
  /** Every inbound-rtp, remote-inbound-rtp and remote-outbound-rtp stats object as libwebrtc reports it. */
  raw: Record<string, unknown>[];
  /**
   * Round-trip times in seconds where reported: RTCP-based (remote-inbound-rtp exists only for
   * streams this peer sends, remote-outbound-rtp only with a sender's SR carrying what it needs;
   * neither shows up for a receive-only call here) and STUN-based (the nominated candidate pair,
   * which does: twice the link's delay).
   */
  rtt: { remoteInbound: number | null; remoteOutbound: number | null; candidatePair: number | null };
}

function parseArgs(argv: string[]): { host: string; port: number; path: string; key: string; id: string; intervalMs: number } {
  const get = (name: string, fallback?: string): string => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? argv[i + 1] : fallback;
    if (v === undefined) throw new Error(`wrtcPeer: --${name} is required`);
    return v;
  };
  return {
    host: get('host'),
    port: Number(get('port')),
    path: get('path', '/'),
    key: get('key', 'peerjs'),
    id: get('id', 'receiver'),
    intervalMs: Number(get('interval-ms', '1000')),
  };
}

const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function collect(pc: RTCPeerConnection, startedAt: number, sinkFrames: number): Promise<Stats> {
  const report = await pc.getStats();
  const raw: Record<string, unknown>[] = [];
  let video: Stats['video'] = null;
  const rtt: Stats['rtt'] = { remoteInbound: null, remoteOutbound: null, candidatePair: null };
  report.forEach((s: any) => {
    if (s.type === 'inbound-rtp' || s.type === 'remote-inbound-rtp' || s.type === 'remote-outbound-rtp') raw.push({ ...s });
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      video = Object.fromEntries(VIDEO_FIELDS.map((f) => [f, s[f] ?? null])) as NonNullable<Stats['video']>;
    }
    if (s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number') rtt.remoteInbound = s.roundTripTime;
    if (s.type === 'remote-outbound-rtp' && typeof s.roundTripTime === 'number') rtt.remoteOutbound = s.roundTripTime;
    if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') rtt.candidatePair = s.currentRoundTripTime;
  });
  return { event: 'stats', elapsedMs: Math.round(performance.now() - startedAt), video, sinkFrames, raw, rtt };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const Peer = await loadStockPeerjs();
  // No STUN servers: the link is all there is (peerjs would otherwise add public ones).
  const peer = new Peer(o.id, { host: o.host, port: o.port, path: o.path, key: o.key, secure: false, debug: 0, config: { iceServers: [] } });
  const { RTCVideoSink } = (wrtc as any).nonstandard;
  const timers: NodeJS.Timeout[] = [];
  const sinks: { stop(): void }[] = [];

  peer.on('open', (id: string) => print({ event: 'open', id }));
  peer.on('error', (e: Error) => print({ event: 'error', message: e.message }));
  peer.on('call', (mc: any) => {
    const startedAt = performance.now();
    let sinkFrames = 0;
    mc.on('stream', (stream: any) => {
      const tracks = stream.getTracks();
      print({ event: 'stream', tracks: tracks.map((t: any) => t.kind) });
      for (const track of tracks) {
        if (track.kind !== 'video') continue;
        const sink = new RTCVideoSink(track);
        sink.onframe = () => sinkFrames++;
        sinks.push(sink);
      }
    });
    mc.answer();
    print({ event: 'call', peer: mc.peer });
    let busy = false;
    timers.push(
      setInterval(() => {
        // One getStats at a time: a slow one is skipped over, never stacked.
        if (busy || !mc.peerConnection) return;
        busy = true;
        collect(mc.peerConnection, startedAt, sinkFrames)
          .then((s) => print(s as unknown as Record<string, unknown>))
          .catch((e: Error) => print({ event: 'error', message: `getStats: ${e.message}` }))
          .finally(() => (busy = false));
      }, o.intervalMs),
    );
  });

  process.stdin.resume();
  process.stdin.on('end', () => {
    timers.forEach(clearInterval);
    sinks.forEach((s) => s.stop());
    peer.destroy();
    // Exit at once: libwebrtc may crash while Node tears down at a natural exit (node-webrtc#636).
    process.exit(0);
  });
}

main().catch((e: Error) => {
  print({ event: 'error', message: e.message });
  process.exit(1);
});
