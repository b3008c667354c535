/**
 * Relayed vs direct media: CPU per packet of a native transport's I/O thread when its path goes
 * through a TURN allocation (coturn on loopback; ChannelData over UDP, over TCP, or over TLS with
 * a test certificate) and when it is direct.
 * Two engines in this process, each with its own I/O thread: G (the gateway side; relayOnly in
 * the relayed mode) and P (its peer, always direct). RTP goes into a port attached to G (G seals
 * it and sends it to P), and into a port attached to P (P seals it, G opens it and redirects it
 * to a sink). Per mode, median of 3 runs:
 * - G out: G's thread CPU per packet it sent (RTP in, SRTP + ChannelData header out);
 * - G in: the same per packet it received (ChannelData in, SRTP opened, plain RTP redirected);
 * - coturn: the turnserver process's CPU per relayed packet (both directions), relayed modes only.
 * The two directions run one after the other, so each thread's CPU belongs to one of them.
 * Usage: node --import tsx bench/turnRelay.ts [packets] [packetsPerSecond]
 */
import { createSocket, type Socket } from 'node:dgram';

import type { RawTransportEvent, RawTurnServer } from '../src/native/addon.js';
import { NativeEngine } from '../src/native/NativeEngine.js';
import type { NativeTransport } from '../src/native/NativeTransport.js';
import { Coturn } from '../test/helpers/coturn.js';
import { makeTestPki } from '../test/helpers/testPki.js';
import { rtpPacket } from '../test/support/rtpPackets.js';
import { processCpuNanos, threadCpuNanos } from './lib/cpu.js';
import { markdownTable } from './lib/table.js';

const PACKETS = Number(process.argv[2] ?? 20_000);
const RATE = Number(process.argv[3] ?? 10_000);
const RUNS = 3;
const BYTES = 1200;

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rtp(ssrc: number, seq: number): Buffer {
  return rtpPacket({ payloadType: 96, seq, timestamp: seq * 3000, ssrc, payload: Buffer.alloc(BYTES - 12, seq & 0xff) });
}

async function udp(): Promise<{ socket: Socket; count: () => number; port: number }> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
  let n = 0;
  socket.on('message', () => n++);
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { socket, count: () => n, port: socket.address().port };
}

/** Sends PACKETS RTP packets to a port at RATE per second, in 1 ms slices. */
async function blast(port: number, ssrc: number): Promise<void> {
  const socket = createSocket({ type: 'udp4', sendBufferSize: 8 * 1024 * 1024 });
  await new Promise<void>((r) => socket.connect(port, '127.0.0.1', r));
  const start = performance.now();
  let sent = 0;
  while (sent < PACKETS) {
    const due = Math.min(PACKETS, Math.floor(((performance.now() - start) / 1000) * RATE) + 1);
    for (; sent < due; sent++) socket.send(rtp(ssrc, sent));
    await sleep(1);
  }
  await sleep(50);
  socket.close();
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(10);
  }
}

interface RunResult {
  outNs: number;
  inNs: number;
  coturnNs?: number;
  delivered: number;
  // What G itself dropped on the way out (sendDropped: a stream's full queue included).
  sendDropped: number;
}

async function run(g: NativeEngine, p: NativeEngine, turn: Coturn | undefined, server: RawTurnServer | undefined): Promise<RunResult> {
  const gw = g.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], ...(server && { turnServers: [server], relayOnly: true }) });
  const peer = p.createTransport({ role: 'controlling', bindAddresses: ['127.0.0.1'] });
  const events: RawTransportEvent[] = [];
  gw.onEvent((e) => {
    events.push(e);
    if (e.kind === 'local-candidate' && e.candidate) peer.addRemoteCandidate(e.candidate);
  });
  peer.onEvent((e) => events.push(e));
  const remote = (t: NativeTransport, dtlsRole: 'client' | 'server') => ({ ufrag: t.local.ufrag, password: t.local.password, fingerprintAlgorithm: 'sha-256', fingerprint: t.local.fingerprint, dtlsRole });
  gw.setRemote(remote(peer, 'server'));
  peer.setRemote(remote(gw, 'client'));
  for (const c of peer.local.candidates) gw.addRemoteCandidate(c);
  for (const c of gw.local.candidates) peer.addRemoteCandidate(c);
  const sinkAtPeer = await udp();
  const sinkAtGw = await udp();
  const gwPort = g.openUdpPort('127.0.0.1', 0);
  const peerPort = p.openUdpPort('127.0.0.1', 0);
  try {
    await waitFor('connected', () => events.filter((e) => e.kind === 'connected').length === 2, 10_000);
    const selected = gw.stats().selectedLocal?.type;
    if (selected !== (server ? 'relay' : 'host')) throw new Error(`selected ${selected}`);
    g.attachPort(gwPort.handle, gw.handle, 'rtp', 'video');
    p.attachPort(peerPort.handle, peer.handle, 'rtp', 'video');
    peer.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: sinkAtPeer.port });
    gw.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: sinkAtGw.port });
    await sleep(300); // the channel is bound by now; what follows is the steady state

    const coturnCpu = () => (turn?.process.pid ? processCpuNanos(turn.process.pid) : 0);
    const gCpu = () => threadCpuNanos(process.pid, g.threadId);
    let c0 = coturnCpu();
    let t0 = gCpu();
    const sentBefore = gw.stats().rtpSent as number;
    await blast(gwPort.port, 0x1111);
    await waitFor('delivered G->P', () => sinkAtPeer.count() >= PACKETS * 0.99, 10_000).catch(() => undefined);
    const outPackets = (gw.stats().rtpSent as number) - sentBefore;
    const outNs = (gCpu() - t0) / outPackets;
    let coturnNs = coturnCpu() - c0;

    c0 = coturnCpu();
    t0 = gCpu();
    const receivedBefore = gw.stats().rtpReceived as number;
    await blast(peerPort.port, 0x2222);
    await waitFor('delivered P->G', () => sinkAtGw.count() >= PACKETS * 0.99, 10_000).catch(() => undefined);
    const inPackets = (gw.stats().rtpReceived as number) - receivedBefore;
    const inNs = (gCpu() - t0) / inPackets;
    coturnNs += coturnCpu() - c0;
    const sendDropped = gw.stats().sendDropped as number;
    return { outNs, inNs, ...(turn && { coturnNs: coturnNs / (outPackets + inPackets) }), delivered: Math.min(sinkAtPeer.count(), sinkAtGw.count()), sendDropped };
  } finally {
    g.closeUdpPort(gwPort.handle);
    p.closeUdpPort(peerPort.handle);
    gw.close();
    peer.close();
    sinkAtPeer.socket.close();
    sinkAtGw.socket.close();
  }
}

type Mode = 'direct' | 'relayed udp' | 'relayed tcp' | 'relayed tls';
const MODES: Mode[] = ['direct', 'relayed udp', 'relayed tcp', 'relayed tls'];
const pki = makeTestPki();
const turn = await Coturn.start({ users: [{ username: 'bench', password: 'bench' }], tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile } });
const base = { ip: turn.ip, port: turn.port, host: 'localhost', username: 'bench', credential: 'bench' };
const servers: Record<Mode, RawTurnServer | undefined> = {
  direct: undefined,
  'relayed udp': { ...base, transport: 'udp', url: turn.url('udp') },
  'relayed tcp': { ...base, transport: 'tcp', url: turn.url('tcp') },
  'relayed tls': { ...base, transport: 'tls', url: `turns:localhost:${turn.port}?transport=tcp`, tlsVerify: 'ca-file', tlsCaFile: pki.caFile },
};
const g = new NativeEngine();
const p = new NativeEngine();
const results = Object.fromEntries(MODES.map((m) => [m, [] as RunResult[]])) as Record<Mode, RunResult[]>;
try {
  for (let i = 0; i < RUNS; i++) {
    // Modes alternate run by run, so a slow patch of the machine hits them all.
    for (const mode of MODES) results[mode].push(await run(g, p, servers[mode] && turn, servers[mode]));
  }
} finally {
  g.close();
  p.close();
  await turn.stop();
  pki.remove();
}

console.log(`\n### Relayed vs direct (bench/turnRelay.ts): ${PACKETS} packets of ${BYTES} bytes each way at ${RATE}/s, median of ${RUNS} runs\n`);
const row = (mode: Mode) => {
  const r = results[mode];
  return [
    mode,
    `${fmt(median(r.map((x) => x.outNs)) / 1000)} µs`,
    `${fmt(median(r.map((x) => x.inNs)) / 1000)} µs`,
    mode === 'direct' ? '' : `${fmt(median(r.map((x) => x.coturnNs!)) / 1000)} µs`,
    `${median(r.map((x) => x.delivered))} / ${PACKETS}`,
    `${median(r.map((x) => x.sendDropped))}`,
  ];
};
console.log(markdownTable(['path', 'G out: I/O thread CPU / packet', 'G in: I/O thread CPU / packet', 'coturn CPU / relayed packet', 'delivered (fewer way)', 'G send drops'], MODES.map(row)));
