/**
 * Sends the recorded input (inputRecording.ts) to a system's two ports in real time, in its own
 * process so the harness's REST work cannot delay it. Looping, it carries the RTP sequence
 * numbers and timestamps on, so the receiver sees one continuous stream.
 * IPC: {type:'start', packets: [{atUs, video, data(base64)}], videoPort, audioPort, seconds}
 *   -> {type:'done', sent: {video, audio}, lateMs: p99 lateness of the sends}
 * Options for the latency probes (quality/latencyProbes.ts), off by default:
 *   sendTimes: true  -> done also carries sendTimes: {keys, sentUs} (see SendTimes)
 *   mirrorPort: n    -> each packet is also sent to 127.0.0.1:n right after (the no-system floor)
 */
import { createSocket } from 'node:dgram';

import { payloadKey } from './quality/payloadKey.js';

interface Start {
  type: 'start';
  packets: { atUs: number; video: boolean; data: string }[];
  videoPort: number;
  audioPort: number;
  seconds: number;
  sendTimes?: boolean;
  mirrorPort?: number;
}

/** When each packet left: sentUs[loop * keys.length + i] is recorded packet i's send in that loop. */
export interface SendTimes {
  /** payloadKey of each recorded packet (null: no payload). */
  keys: (number | null)[];
  /** CLOCK_MONOTONIC (process.hrtime) in µs, taken just before the send. */
  sentUs: number[];
}

const socket = createSocket('udp4');
socket.bind(0, '127.0.0.1');

process.on('message', (m: Start | { type: 'exit' }) => {
  if (m.type === 'exit') process.exit(0);
  if (m.type === 'start') void replay(m);
});
process.on('disconnect', () => process.exit(0));

async function replay(m: Start): Promise<void> {
  const packets = m.packets.map((p) => ({ atUs: p.atUs, video: p.video, data: Buffer.from(p.data, 'base64') }));
  const loopUs = packets.at(-1)!.atUs + 33_333;
  // Per loop, each stream moves on by its packet count and by the loop's length in its clock.
  const count = { video: packets.filter((p) => p.video).length, audio: packets.filter((p) => !p.video).length };
  const clock = { video: 90_000, audio: 48_000 };
  const sent = { video: 0, audio: 0 };
  const late: number[] = [];
  const times: SendTimes | undefined = m.sendTimes ? { keys: packets.map((p) => payloadKey(p.data) ?? null), sentUs: [] } : undefined;
  const start = process.hrtime.bigint();
  const endUs = m.seconds * 1e6;
  for (let loop = 0; ; loop++) {
    for (const p of packets) {
      const dueUs = loop * loopUs + p.atUs;
      if (dueUs >= endUs) return finish();
      let nowUs = Number((process.hrtime.bigint() - start) / 1000n);
      if (dueUs > nowUs + 1000) {
        await new Promise((r) => setTimeout(r, (dueUs - nowUs) / 1000));
        nowUs = Number((process.hrtime.bigint() - start) / 1000n);
      }
      late.push(Math.max(0, nowUs - dueUs) / 1000);
      const kind = p.video ? 'video' : 'audio';
      const out = Buffer.from(p.data);
      out.writeUInt16BE((out.readUInt16BE(2) + loop * count[kind]) & 0xffff, 2);
      out.writeUInt32BE((out.readUInt32BE(4) + Math.round((loop * loopUs * clock[kind]) / 1e6)) >>> 0, 4);
      times?.sentUs.push(Number(process.hrtime.bigint()) / 1000);
      socket.send(out, p.video ? m.videoPort : m.audioPort, '127.0.0.1');
      if (m.mirrorPort) socket.send(out, m.mirrorPort, '127.0.0.1');
      sent[kind]++;
    }
  }
  function finish(): void {
    late.sort((a, b) => a - b);
    process.send!({ type: 'done', sent, lateMs: late[Math.floor(late.length * 0.99)] ?? 0, ...(times ? { sendTimes: times } : {}) });
  }
}
