/**
 * Port ingest: the cost of receiving datagrams on a gateway port.
 * A separate process blasts N datagrams at a native port (recvmmsg on the I/O thread) and at a
 * Node dgram socket (what a pure-JS gateway would use); we report the receiving thread's CPU per
 * datagram and how many arrived. Usage: node --import tsx bench/portIngest.ts [count] [size]
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { NativeEngine } from '../src/native/NativeEngine.js';
import { processCpuMicros, threadCpuMicros } from './lib/cpu.js';
import { markdownTable } from './lib/table.js';

const count = Number(process.argv[2] ?? 300_000);
const size = Number(process.argv[3] ?? 1200);
const blast = (port: number) => promisify(execFile)(process.execPath, [join(import.meta.dirname, 'lib', 'blast.cjs'), String(port), String(count), String(size)]);
const settle = () => new Promise((r) => setTimeout(r, 300));

async function nativePort(): Promise<(string | number)[]> {
  const engine = new NativeEngine();
  const { handle, port } = engine.openUdpPort('127.0.0.1', 0);
  const cpu0 = threadCpuMicros(engine.threadId);
  const t0 = performance.now();
  await blast(port);
  await settle();
  const elapsed = performance.now() - t0 - 300;
  const cpu = threadCpuMicros(engine.threadId) - cpu0;
  const received = engine.portStats(handle)?.packets ?? 0;
  const wakeups = engine.stats().loopWakeups ?? 0;
  engine.close();
  return [...row('native port (recvmmsg, I/O thread)', received, cpu, elapsed), (received / Math.max(wakeups, 1)).toFixed(1)];
}

async function dgramPort(): Promise<(string | number)[]> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  let received = 0;
  socket.on('message', () => received++);
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  // The main thread does nothing else meanwhile, so process CPU minus idle is the receive cost;
  // the sender is a child process and not counted.
  const cpu0 = processCpuMicros();
  const t0 = performance.now();
  await blast(socket.address().port);
  await settle();
  const elapsed = performance.now() - t0 - 300;
  const cpu = processCpuMicros() - cpu0;
  socket.close();
  return [...row('Node dgram socket (JS main thread)', received, cpu, elapsed), '1 (one callback each)'];
}

function row(name: string, received: number, cpuMicros: number, elapsedMs: number): (string | number)[] {
  return [
    name,
    count,
    received,
    `${((100 * (count - received)) / count).toFixed(2)}%`,
    (cpuMicros / Math.max(received, 1)).toFixed(3),
    Math.round(received / (elapsedMs / 1000)).toLocaleString('en-US'),
  ];
}

const rows = [await nativePort(), await dgramPort()];
console.log(`\nPort ingest: ${count} datagrams of ${size} B from another process over loopback\n`);
console.log(markdownTable(['receiver', 'sent', 'received', 'lost', 'CPU µs / datagram', 'datagrams/s', 'datagrams / wake-up'], rows));
