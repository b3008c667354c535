/**
 * A quick measure of the native data path (not the full benchmark): 100-byte datagrams ->
 * data port -> SCTP on engine A -> engine B -> UDP redirect, one channel, reliable and ordered,
 * at increasing paced rates for 2 s each: what arrived, loss, and the CPU of the two engine
 * threads (from /proc). Then descriptors and threads per data transport.
 * Usage: node --import tsx bench/engineDataPath.ts
 */
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';

import { connectEngines, RawDataEngine } from '../test/helpers/engineDataPeer.js';
import { fdCount, threadCount, waitFor } from '../test/helpers/proc.js';
import { markdownTable } from './lib/table.js';

const ticks = (tid: number): number => {
  const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);  // utime + stime, in clock ticks (100/s)
};

const a = new RawDataEngine();
const b = new RawDataEngine();
const { x, y } = await connectEngines(a, b, { serialization: 'NONE', bufferLimitBytes: 0 });
const port = a.openDataPort();
a.raw.attachDataPort(port.handle, x);
// The receiving program runs in its own process (this one's event loop is busy sending).
const SINK = `const s = require('node:dgram').createSocket('udp4'); let n = 0;
s.on('message', () => n++);
s.bind(0, '127.0.0.1', () => { s.setRecvBufferSize(8 << 20); process.send({ port: s.address().port }); });
process.on('message', (m) => { if (m === 'reset') n = 0; else if (m === 'count') process.send({ n }); else process.exit(0); });`;
const sink = fork('-e', [SINK], { execArgv: ['-e', SINK], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const sinkPort = await new Promise<number>((r) => sink.once('message', (m) => r((m as { port: number }).port)));
const sinkCount = () => new Promise<number>((r) => {
  sink.once('message', (m) => r((m as { n: number }).n));
  sink.send('count');
});
let received = 0;
b.raw.transportSetDataRedirect(y, '127.0.0.1', sinkPort);
const sender = createSocket('udp4');
const payload = Buffer.alloc(100, 7);

const rows: string[][] = [];
for (const rate of [10_000, 25_000, 50_000, 100_000, 150_000]) {
  sink.send('reset');
  received = 0;
  const before = b.raw.transportDataStats(y).receivedMessages;
  const sentBefore = a.raw.transportDataStats(x).sentMessages;
  const cpu0 = [ticks(a.raw.threadId), ticks(b.raw.threadId)];
  const start = Date.now();
  let sent = 0;
  while (Date.now() - start < 2000) {
    const due = Math.floor(((Date.now() - start) / 1000) * rate);
    for (; sent < due; sent++) sender.send(payload, port.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 2));
  }
  const elapsed = (Date.now() - start) / 1000;
  await waitFor(async () => (received = await sinkCount()) >= sent, 3000, 'drained').catch(() => undefined);
  const cpu = [ticks(a.raw.threadId) - cpu0[0]!, ticks(b.raw.threadId) - cpu0[1]!].map((t) => `${Math.round(t / elapsed)} %`);
  const xs = a.raw.transportDataStats(x);
  const ys = b.raw.transportDataStats(y);
  rows.push([
    String(rate),
    String(sent),
    String(xs.sentMessages - sentBefore),
    String(ys.receivedMessages - before),
    String(received),
    String(sent - received),
    JSON.stringify(Object.fromEntries(Object.entries(xs.dropped).filter(([, n]) => n > 0))),
    cpu[0]!,
    cpu[1]!,
  ]);
}
console.log(markdownTable(['offered msg/s', 'sent (2 s)', 'into SCTP', 'SCTP delivered', 'at the receiver', 'lost', 'drops', 'CPU engine A', 'CPU engine B'], rows));
console.log('port counters (kernel receive drops do not show here):', a.raw.portStats(port.handle));
sender.close();
sink.send('exit');
a.raw.closeTransport(x);
b.raw.closeTransport(y);

// Descriptors and threads per data transport: 50 connected pairs on two engines.
const fd0 = fdCount();
const th0 = threadCount();
const pairs = [];
for (let i = 0; i < 25; i++) pairs.push(await connectEngines(a, b, { serialization: 'NONE', bufferLimitBytes: 0 }));
console.log(`50 data transports (25 connected pairs): +${fdCount() - fd0} descriptors, +${threadCount() - th0} threads`);
for (const p of pairs) {
  a.raw.closeTransport(p.x);
  b.raw.closeTransport(p.y);
}
console.log(`after closing them: ${fdCount() - fd0} descriptors, ${threadCount() - th0} threads more than before`);
a.close();
b.close();
