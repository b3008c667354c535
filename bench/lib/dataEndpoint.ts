/**
 * One end of a data-path benchmark, in its own process, driven over IPC by bench/dataChannel.ts.
 *   kind "wrtc": a libwebrtc DataChannel end (the direct baseline), signaled through the parent;
 *   kind "udp":  a UDP program (what a gateway user runs), sending to / receiving from a gateway.
 *   role "sender": sends `count` messages of `size` bytes, either keeping at most `window` not yet
 *     acknowledged by the receiver (throughput) or at a fixed `rate` per second (latency, loss);
 *   role "receiver": counts, measures one-way latency from the send time each message carries
 *     (process.hrtime is CLOCK_MONOTONIC, one clock for every process on the machine) and reports
 *     acknowledgements and a summary.
 * Message layout: seq (uint32) | send time in ns (uint64) | padding.
 */
import { createSocket } from 'node:dgram';

import wrtc from '@roamhq/wrtc';

type Kind = 'wrtc' | 'udp';
type Role = 'sender' | 'receiver';
const [kind, role] = process.argv.slice(2) as [Kind, Role];
const send = (m: unknown) => process.send!(m);

export interface RunRequest {
  count: number;
  size: number;
  window?: number;
  rate?: number;
}

let transmit: (message: Buffer) => void = () => {};

// ---- receiver ----
let expected = 0;
let received = 0;
let firstNs = 0n;
let lastNs = 0n;
let latenciesUs: number[] = [];
function onMessage(message: Buffer): void {
  const now = process.hrtime.bigint();
  if (received === 0) firstNs = now;
  lastNs = now;
  received++;
  latenciesUs.push(Number(now - message.readBigUInt64BE(4)) / 1000);
  if (received % 64 === 0) send({ type: 'ack', received });
  if (received === expected) report();
}
function report(): void {
  const sorted = latenciesUs.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  send({ type: 'done', received, seconds: Number(lastNs - firstNs) / 1e9, p50: at(0.5), p99: at(0.99) });
}

// ---- sender ----
let acked = 0;
let resume: (() => void) | undefined;
async function run({ count, size, window, rate }: RunRequest): Promise<void> {
  const message = Buffer.alloc(Math.max(size, 12), 0x61);
  const stamp = (seq: number) => {
    message.writeUInt32BE(seq, 0);
    message.writeBigUInt64BE(process.hrtime.bigint(), 4);
    transmit(message);
  };
  acked = 0;
  const started = process.hrtime.bigint();
  if (window) {
    for (let seq = 0; seq < count; seq++) {
      while (seq - acked >= window) await new Promise<void>((r) => (resume = r));
      stamp(seq);
      if (seq % 256 === 255) await new Promise((r) => setImmediate(r));
    }
  } else {
    const start = process.hrtime.bigint();
    for (let seq = 0; seq < count; ) {
      const due = Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * rate!);
      while (seq < count && seq <= due) stamp(seq++);
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  // How long sending took: a sender that cannot keep its rate falls behind here.
  send({ type: 'sent', seconds: Number(process.hrtime.bigint() - started) / 1e9 });
}

// ---- transports ----
async function setupWrtc(init: { ordered: boolean; maxRetransmits?: number }): Promise<void> {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  pc.onicecandidate = ({ candidate }) => {
    if (candidate) send({ type: 'signal', candidate: { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex } });
  };
  const attach = (dc: any) => {
    dc.binaryType = 'arraybuffer';
    transmit = (m) => dc.send(m);
    dc.onmessage = ({ data }: { data: ArrayBuffer }) => onMessage(Buffer.from(data));
    dc.onopen = () => send({ type: 'ready' });
  };
  process.on('message', async (m: any) => {
    if (m.type !== 'signal') return;
    if (m.sdp) {
      await pc.setRemoteDescription(m.sdp);
      if (m.sdp.type === 'offer') {
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        send({ type: 'signal', sdp: { type: 'answer', sdp: answer.sdp } });
      }
    } else if (m.candidate) await pc.addIceCandidate(m.candidate).catch(() => {});
  });
  if (role === 'sender') {
    attach(pc.createDataChannel('bench', init));
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    send({ type: 'signal', sdp: { type: 'offer', sdp: offer.sdp } });
  } else {
    pc.ondatachannel = ({ channel }: { channel: any }) => attach(channel);
  }
}

async function setupUdp(targetPort: number | undefined): Promise<void> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024, sendBufferSize: 4 * 1024 * 1024 });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  socket.on('message', (m) => onMessage(m));
  transmit = (m) => socket.send(m, targetPort!, '127.0.0.1');
  send({ type: 'ready', port: socket.address().port });
}

process.on('message', (m: any) => {
  if (m.type === 'setup') void (kind === 'wrtc' ? setupWrtc(m.init) : setupUdp(m.targetPort));
  else if (m.type === 'run') void run(m.request);
  else if (m.type === 'ack') {
    acked = m.received;
    resume?.();
  } else if (m.type === 'expect') {
    expected = m.count;
    received = 0;
    latenciesUs = [];
  } else if (m.type === 'finish') report();
  else if (m.type === 'exit') process.exit(0);
});
