/**
 * The data path: UDP -> gateway -> DataChannel -> gateway -> UDP, beside a direct libwebrtc
 * DataChannel (@roamhq/wrtc to @roamhq/wrtc), measured in the same run. Every end runs in its own
 * process: for the gateway path two gateway processes (the first runs the signaling server) and
 * two UDP programs; for the direct path a sending and a receiving wrtc process.
 * - throughput: 50,000 messages, at most 1,024 in flight (acknowledged by the receiver), the
 *   median of 3 runs;
 * - latency: one-way, 1,000 messages/s for 3 s, p50 and p99;
 * - 10,000 messages/s of 1 KB and 20,000 messages/s of 100 bytes for 3 s each, reliable, 3 runs:
 *   how fast the sender got them out (a wrtc
 *   sender slows down when libwebrtc's send blocks; a UDP sender does not) and what arrived.
 * CPU: of the two processes that move the messages (the gateways; the two wrtc ends).
 * Usage: node --import tsx bench/dataChannel.ts [throughputCount]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { processCpuMicros } from './lib/cpu.js';
import { GatewayProcess } from '../test/support/gatewayProcess.js';
import { rest } from '../test/support/rest.js';
import { markdownTable } from './lib/table.js';

const throughputCount = Number(process.argv[2] ?? 50_000);
/** Offered on schedule for RATE_SECONDS each, reliable. */
const RATES = [
  { rate: 10_000, size: 1024 },
  { rate: 20_000, size: 100 },
] as const;
const RATE_SECONDS = 3;
const REPEAT = 3;
const ENDPOINT = join(import.meta.dirname, 'lib', 'dataEndpoint.ts');
const MODES = [
  { name: 'reliable', init: { ordered: true } },
  { name: 'unreliable', init: { ordered: false, maxRetransmits: 0 } },
] as const;

interface Endpoint {
  child: ChildProcess;
  next(type: string, timeoutMs?: number): Promise<any>;
}

function endpoint(kind: 'wrtc' | 'udp', role: 'sender' | 'receiver'): Endpoint {
  const child = fork(ENDPOINT, [kind, role], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting: { type: string; resolve: (m: any) => void }[] = [];
  const queued: any[] = [];
  child.on('message', (m: any) => {
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(m);
    else if (m.type !== 'ack' && m.type !== 'signal') queued.push(m);
  });
  return {
    child,
    next(type, timeoutMs = 60_000) {
      const i = queued.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(queued.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const waiter = { type, resolve: (m: any) => (clearTimeout(timer), resolve(m)) };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new Error(`no ${type} from ${kind} ${role}`));
        }, timeoutMs);
        waiting.push(waiter);
      });
    },
  };
}

/** A sending and a receiving end, acknowledgements relayed from the receiver to the sender. */
interface Path {
  name: string;
  sender: Endpoint;
  receiver: Endpoint;
  /** Processes whose CPU time counts as the cost of moving the messages. */
  measuredPids: number[];
  /** For the gateway path: datagrams that reached the first gateway's port, and what it dropped. */
  gatewayCounters?: () => Promise<{ arrived: number; dropped: number }>;
  close(): Promise<void>;
}

function relayAcks(sender: Endpoint, receiver: Endpoint): void {
  receiver.child.on('message', (m: any) => {
    if (m.type === 'ack') sender.child.send(m);
  });
}

async function directPath(init: object): Promise<Path> {
  const sender = endpoint('wrtc', 'sender');
  const receiver = endpoint('wrtc', 'receiver');
  sender.child.on('message', (m: any) => m.type === 'signal' && receiver.child.send(m));
  receiver.child.on('message', (m: any) => m.type === 'signal' && sender.child.send(m));
  relayAcks(sender, receiver);
  receiver.child.send({ type: 'setup' });
  sender.child.send({ type: 'setup', init });
  await Promise.all([sender.next('ready'), receiver.next('ready')]);
  return {
    name: 'direct wrtc DataChannel',
    sender,
    receiver,
    measuredPids: [sender.child.pid!, receiver.child.pid!],
    close: async () => [sender, receiver].forEach((e) => e.child.send({ type: 'exit' })),
  };
}

async function gatewayPath(init: { ordered: boolean; maxRetransmits?: number }, serialization: string): Promise<Path> {
  const a = new GatewayProcess(['--api-port', '0', '--signaling-port', '0', '--port-min', '41000', '--port-max', '41099'], {}, { stderr: 'inherit' });
  const signaling = (await a.logged('signaling server listening', 'url')).replace(/peerjs$/, '');
  const b = new GatewayProcess(['--api-port', '0', '--embedded-signaling', 'false', '--signaling-url', signaling, '--port-min', '41100', '--port-max', '41199'], {}, { stderr: 'inherit' });
  const [baseA, baseB] = await Promise.all([a.logged('REST API listening', 'api'), b.logged('REST API listening', 'api')]);
  const peer = async (base: string, id: string) => {
    const { params } = await rest(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: id });
    await rest(base, 'GET', `/peers/${id}/events?token=${params.token}`);
    return params.token as string;
  };
  const [tokenA, tokenB] = await Promise.all([peer(baseA, 'bench-a'), peer(baseB, 'bench-b')]);
  const receiver = endpoint('udp', 'receiver');
  receiver.child.send({ type: 'setup' });
  const receiverPort = (await receiver.next('ready')).port as number;
  const portA = await rest(baseA, 'POST', '/data', {});
  const { params } = await rest(baseA, 'POST', '/data/connections', {
    peer_id: 'bench-a', token: tokenA, target_id: 'bench-b',
    options: { serialization, dcInit: init }, params: { data_id: portA.data_id },
  });
  const incoming = await rest(baseB, 'GET', `/peers/bench-b/events?token=${tokenB}`);
  const idB = incoming.data_params.data_connection_id;
  await rest(baseB, 'PUT', `/data/connections/${idB}`, { redirect_params: { ip_v4: '127.0.0.1', port: receiverPort } });
  for (const [base, id] of [[baseA, params.data_connection_id], [baseB, idB]]) {
    if ((await rest(base!, 'GET', `/data/connections/${id}/events`)).event !== 'OPEN') throw new Error('connection did not open');
  }
  const sender = endpoint('udp', 'sender');
  sender.child.send({ type: 'setup', targetPort: portA.port });
  await sender.next('ready');
  relayAcks(sender, receiver);
  return {
    name: `gateway ${serialization}`,
    sender,
    receiver,
    measuredPids: [a.child.pid!, b.child.pid!],
    gatewayCounters: async () => ({
      arrived: (await rest(baseA, 'GET', `/data/${portA.data_id}/status`)).packets,
      dropped: (await rest(baseA, 'GET', `/data/connections/${params.data_connection_id}/status`)).stats.dropped_total,
    }),
    close: async () => {
      [sender, receiver].forEach((e) => e.child.send({ type: 'exit' }));
      await Promise.all([a.stop(), b.stop()]);
    },
  };
}

interface Result {
  received: number;
  seconds: number;
  sendSeconds: number;
  p50: number;
  p99: number;
  cpuUs: number;
}

async function run(path: Path, request: { count: number; size: number; window?: number; rate?: number }): Promise<Result> {
  path.receiver.child.send({ type: 'expect', count: request.count });
  const cpu0 = path.measuredPids.reduce((s, pid) => s + processCpuMicros(pid), 0);
  path.sender.child.send({ type: 'run', request });
  const { seconds: sendSeconds } = await path.sender.next('sent', 120_000);
  let done: any;
  try {
    done = await path.receiver.next('done', 3000 + (request.window ? 60_000 : 0));
  } catch {
    path.receiver.child.send({ type: 'finish' });
    done = await path.receiver.next('done');
  }
  const cpuUs = path.measuredPids.reduce((s, pid) => s + processCpuMicros(pid), 0) - cpu0;
  return { ...done, sendSeconds, cpuUs };
}

const throughputRows: (string | number)[][] = [];
const latencyRows: (string | number)[][] = [];
const rateRows: (string | number)[][] = [];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const loss = (sent: number, received: number) => `${fmt(((sent - received) / sent) * 100, 2)} %`;

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

for (const mode of MODES) {
  const paths = [await directPath(mode.init), await gatewayPath(mode.init, 'NONE')];
  if (mode.name === 'reliable') paths.push(await gatewayPath(mode.init, 'BINARY'));
  try {
    for (const size of [100, 1024]) {
      let direct = 0;
      for (const path of paths) {
        const runs: Result[] = [];
        for (let i = 0; i < REPEAT; i++) runs.push(await run(path, { count: throughputCount, size, window: 1024 }));
        const rates = runs.map((r) => r.received / r.seconds);
        const rate = median(rates);
        if (path.name.startsWith('direct')) direct = rate;
        const received = runs.reduce((s, r) => s + r.received, 0);
        throughputRows.push([
          path.name, mode.name, size, fmt(rate), `${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}`, fmt((rate * size) / 1e6, 1),
          `${fmt((rate / direct) * 100)} %`, fmt(median(runs.map((r) => r.cpuUs / r.received)), 1), loss(REPEAT * throughputCount, received),
        ]);
        const l = await run(path, { count: 3000, size, rate: 1000 });
        latencyRows.push([path.name, mode.name, size, fmt(l.p50 / 1000, 2), fmt(l.p99 / 1000, 2), loss(3000, l.received)]);
      }
    }
    if (mode.name === 'reliable') {
      for (const offered of RATES) {
        const count = offered.rate * RATE_SECONDS;
        for (const path of paths) {
          for (let i = 0; i < REPEAT; i++) {
            const before = await path.gatewayCounters?.();
            const r = await run(path, { count, size: offered.size, rate: offered.rate });
            const after = await path.gatewayCounters?.();
            // Where the gateway path lost messages: before its port (the kernel's socket buffer) or in the gateway.
            const where = before && after ? `${count - (after.arrived - before.arrived)} / ${after.dropped - before.dropped}` : '';
            rateRows.push([path.name, fmt(offered.rate), offered.size, i + 1, fmt(count / r.sendSeconds), r.received, loss(count, r.received), where, fmt(r.p50 / 1000, 2), fmt(r.p99 / 1000, 2)]);
          }
        }
      }
    }
  } finally {
    for (const path of paths) await path.close();
  }
}

console.log('\nData path throughput: UDP -> gateway -> DataChannel -> gateway -> UDP, beside a direct wrtc DataChannel\n');
console.log(markdownTable(['path', 'mode', 'bytes', 'messages/s', 'range', 'MB/s', 'of direct', 'CPU µs / message', 'loss'], throughputRows));
console.log('\nOne-way latency at 1,000 messages/s for 3 s\n');
console.log(markdownTable(['path', 'mode', 'bytes', 'p50 ms', 'p99 ms', 'loss'], latencyRows));
console.log(`\nMessages offered on schedule for ${RATE_SECONDS} s, reliable\n`);
console.log(markdownTable(['path', 'offered / s', 'bytes', 'run', 'sent / s', 'received', 'loss', 'lost before the port / in the gateway', 'p50 ms', 'p99 ms'], rateRows));
process.exit(0);
