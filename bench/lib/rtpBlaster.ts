/**
 * The media source of bench/media.ts, in its own process (forked with IPC): RTP of one VP8 and
 * one Opus stream (bench/lib/rtpStream.ts) to two UDP ports on 127.0.0.1, bounded in packets and
 * in time. With `mirrorPort`, right after each packet a copy with its own send time goes there
 * (straight to the sink: the baseline, timed on the same packets).
 *   realistic: 2 Mbit/s of video as 30 frames/s of 7 packets sent back to back, and 50 Opus
 *     packets/s, for `seconds`;
 *   burst: `packets` video packets at `rate` per second, at most `maxSeconds` (the saturated load).
 * Answers {type: 'run', request} with {type: 'sent', video, audio, seconds}.
 */
import { createSocket, type Socket } from 'node:dgram';

import { AUDIO_BYTES, AUDIO_PPS, AUDIO_PT, RtpStreamWriter, TransportSequence, VIDEO_BYTES, VIDEO_FPS, VIDEO_PACKETS_PER_FRAME, VIDEO_PT } from './rtpStream.js';

interface Ports {
  videoPort: number;
  audioPort: number;
  mirrorPort?: number;
  /** Stamp a transport-wide sequence number on every packet (header extension id 3), as browsers do. */
  transportCc?: boolean;
}

export type BlastRequest =
  | (Ports & { mode: 'realistic'; seconds: number })
  | (Ports & { mode: 'burst'; packets: number; rate: number; maxSeconds: number });

async function connected(port: number): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
  await new Promise<void>((r) => socket.connect(port, '127.0.0.1', r));
  return socket;
}

const tick = () => new Promise((r) => setTimeout(r, 1));

async function blast(request: BlastRequest): Promise<{ video: number; audio: number; seconds: number }> {
  const sockets = await Promise.all([request.videoPort, request.audioPort, ...(request.mirrorPort ? [request.mirrorPort] : [])].map(connected));
  const [videoSocket, audioSocket, mirror] = sockets as [Socket, Socket, Socket?];
  const transportSequence = request.transportCc ? new TransportSequence() : undefined;
  const video = new RtpStreamWriter(VIDEO_PT, VIDEO_BYTES, 90000, true, transportSequence);
  const audio = new RtpStreamWriter(AUDIO_PT, AUDIO_BYTES, 48000, false, transportSequence);
  let stamp = 0;
  const sent = { video: 0, audio: 0 };
  // Each datagram gets its own copy: dgram may still hold the buffer after send() returns.
  const send = (stream: RtpStreamWriter, socket: Socket, marker: boolean) => {
    socket.send(Buffer.from(stream.next(stamp++, marker)));
    mirror?.send(Buffer.from(stream.restamp()));
  };
  const start = performance.now();
  const elapsed = () => (performance.now() - start) / 1000;
  if (request.mode === 'realistic') {
    let frames = 0;
    let audioFrames = 0;
    while (elapsed() < request.seconds) {
      const now = elapsed();
      for (; frames < Math.floor(now * VIDEO_FPS) + 1; frames++) {
        for (let i = 0; i < VIDEO_PACKETS_PER_FRAME; i++, sent.video++) send(video, videoSocket, i === VIDEO_PACKETS_PER_FRAME - 1);
        video.endFrame(1 / VIDEO_FPS);
      }
      for (; audioFrames < Math.floor(now * AUDIO_PPS) + 1; audioFrames++, sent.audio++) {
        send(audio, audioSocket, false);
        audio.endFrame(1 / AUDIO_PPS);
      }
      await tick();
    }
  } else {
    // Whatever is due goes out back to back once a timer tick (about 1 ms): bursts of about
    // rate / 1000 packets, as a busy sender's socket sees them, without spinning on a core.
    while (sent.video < request.packets && elapsed() < request.maxSeconds) {
      const due = Math.min(request.packets, Math.floor(elapsed() * request.rate) + 1);
      for (; sent.video < due; sent.video++) {
        const marker = sent.video % VIDEO_PACKETS_PER_FRAME === VIDEO_PACKETS_PER_FRAME - 1;
        send(video, videoSocket, marker);
        if (marker) video.endFrame(1 / VIDEO_FPS);
      }
      await tick();
    }
  }
  const seconds = elapsed();
  await new Promise((r) => setImmediate(r));
  for (const socket of sockets) socket?.close();
  return { ...sent, seconds };
}

process.on('message', (m: { type: string; request: BlastRequest }) => {
  if (m.type === 'run') void blast(m.request).then((sent) => process.send!({ type: 'sent', ...sent }));
  else if (m.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
