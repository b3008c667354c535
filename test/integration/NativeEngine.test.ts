import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

import { GatewayError } from '../../src/errors/GatewayError.js';
import type { EngineEvent } from '../../src/native/EngineEvent.js';
import { NativeEngine, errorCode } from '../../src/native/NativeEngine.js';
import { fdCount, threadCount, threadExists, waitFor } from '../helpers/proc.js';
import { bindableByAnotherProcess, sendDatagrams } from '../helpers/udp.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const run = promisify(execFile);

describe('NativeEngine', () => {
  const engines: NativeEngine[] = [];
  const newEngine = (options?: ConstructorParameters<typeof NativeEngine>[0]): NativeEngine => {
    const e = new NativeEngine(options);
    engines.push(e);
    return e;
  };
  after(() => engines.forEach((e) => e.close()));

  it('runs one dedicated thread of its own', () => {
    const before = threadCount();
    const engine = newEngine();
    assert.ok(threadExists(engine.threadId), 'the I/O thread is listed in /proc/self/task');
    assert.equal(threadCount(), before + 1);
    engine.close();
    assert.equal(threadExists(engine.threadId), false);
    assert.equal(threadCount(), before);
  });

  it('counts every datagram sent to a port, with its bytes and source', async () => {
    const engine = newEngine();
    const events: EngineEvent[] = [];
    const port = engine.openUdpPort('127.0.0.1', 0);
    engine.subscribe(port.handle, (e) => events.push(e));
    const sizes = [1, 100, 1200, 4096];
    await sendDatagrams(port.port, sizes.map((n) => Buffer.alloc(n, 7)));
    await waitFor(() => engine.portStats(port.handle)?.packets === sizes.length, 2000, 'packets counted');
    const stats = engine.portStats(port.handle);
    assert.equal(stats?.bytes, sizes.reduce((a, b) => a + b));
    assert.equal(stats?.droppedOversize, 0);
    assert.match(stats?.lastSource ?? '', /^127\.0\.0\.1:\d+$/);
    await waitFor(() => events.length > 0, 2000, 'port-source event');
    assert.deepEqual(events[0], { kind: 'port-source', handle: port.handle, source: stats?.lastSource });
  });

  it('drops datagrams larger than its slots, counts them and reports them at a bounded rate', async () => {
    const engine = newEngine({ recvSlotBytes: 1500 });
    const port = engine.openUdpPort('127.0.0.1', 0);
    const drops: EngineEvent[] = [];
    engine.subscribe(port.handle, (e) => e.kind === 'port-drops' && drops.push(e));
    await sendDatagrams(port.port, [...Array(5)].map(() => Buffer.alloc(1501)).concat([Buffer.alloc(1500)]));
    await waitFor(() => engine.portStats(port.handle)?.droppedOversize === 5, 2000, 'oversize drops');
    assert.equal(engine.portStats(port.handle)?.packets, 1, 'the datagram that fits still counts');
    await waitFor(() => drops.length > 0, 3000, 'a drop report');
    assert.deepEqual(drops, [{ kind: 'port-drops', handle: port.handle, count: 5, reason: 'oversize' }]);
  });

  it('reports a bind failure with the errno as code and a clear message', () => {
    const engine = newEngine();
    const first = engine.openUdpPort('127.0.0.1', 0);
    assert.throws(
      () => engine.openUdpPort('127.0.0.1', first.port),
      (e: unknown) => errorCode(e) === 'EADDRINUSE' && /bind 127\.0\.0\.1:\d+ failed/.test((e as Error).message),
    );
    assert.throws(() => engine.openUdpPort('localhost', 0), (e: unknown) => errorCode(e) === 'ERR_INVALID_ADDRESS');
    assert.throws(() => engine.openUdpPort('127.0.0.1', 70000), (e: unknown) => errorCode(e) === 'ERR_INVALID_ARG');
  });

  it('binds IPv6 ports too', async () => {
    const engine = newEngine();
    const port = engine.openUdpPort('::1', 0);
    assert.equal(port.ip, '::1');
    await sendDatagrams(port.port, [Buffer.from('v6')], '::1');
    await waitFor(() => (engine.portStats(port.handle)?.packets ?? 0) >= 1, 2000, 'IPv6 datagram');
    assert.match(engine.portStats(port.handle)?.lastSource ?? '', /^\[::1\]:\d+$/);
  });

  it('has really closed the socket when closeUdpPort returns', async () => {
    const engine = newEngine();
    const port = engine.openUdpPort('127.0.0.1', 0);
    assert.equal(await bindableByAnotherProcess(port.port), false, 'held while open');
    assert.equal(engine.closeUdpPort(port.handle), true);
    assert.equal(await bindableByAnotherProcess(port.port), true, 'free after close');
    assert.equal(engine.closeUdpPort(port.handle), false, 'a second close finds nothing');
    assert.equal(engine.portStats(port.handle), undefined);
  });

  it('closes every port when the engine closes, and refuses work afterwards', async () => {
    const engine = newEngine();
    const ports = [engine.openUdpPort('127.0.0.1', 0), engine.openUdpPort('127.0.0.1', 0)];
    engine.close();
    for (const p of ports) assert.equal(await bindableByAnotherProcess(p.port), true);
    assert.throws(() => engine.openUdpPort('127.0.0.1', 0), (e: unknown) => e instanceof GatewayError && e.code === 'ENGINE_UNAVAILABLE');
    assert.equal(engine.closeUdpPort(ports[0]!.handle), false);
    engine.close();
  });

  it('leaves no thread, descriptor or memory behind after many create/close cycles', async () => {
    const cycle = async (): Promise<void> => {
      const engine = new NativeEngine();
      const port = engine.openUdpPort('127.0.0.1', 0);
      await sendDatagrams(port.port, [Buffer.from('x')]);
      engine.close();
    };
    for (let i = 0; i < 20; i++) await cycle(); // warm-up: allocator pools, lazily created handles
    const threads = threadCount();
    const fds = fdCount();
    const rss = process.memoryUsage.rss();
    for (let i = 0; i < 300; i++) await cycle();
    assert.equal(threadCount(), threads, 'threads');
    assert.equal(fdCount(), fds, 'file descriptors');
    const grownMb = (process.memoryUsage.rss() - rss) / 1e6;
    // One leaked engine would keep at least its 128 KiB receive batch: 300 of them would be 39 MB.
    assert.ok(grownMb < 16, `RSS grew ${grownMb.toFixed(1)} MB over 300 cycles`);
  });

  it('counts events it cannot queue while JavaScript is busy, and its thread never waits', async () => {
    const engine = newEngine({ eventQueueSize: 1 });
    const ports = Array.from({ length: 40 }, () => engine.openUdpPort('127.0.0.1', 0));
    const seen: EngineEvent[] = [];
    for (const p of ports) engine.subscribe(p.handle, (e) => seen.push(e));
    // A worker sends one datagram to each port, 5 ms apart, while this thread is blocked:
    // each datagram is its own loop iteration and its own event batch.
    const blocked = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const s = require('node:dgram').createSocket('udp4');
       let i = 0;
       const next = () => {
         if (i === workerData.ports.length) { s.close(); return; }
         s.send(Buffer.from('e'), workerData.ports[i++], '127.0.0.1', () => setTimeout(next, 5));
       };
       next();`,
      { eval: true, workerData: { ports: ports.map((p) => p.port) } },
    );
    Atomics.wait(blocked, 0, 0, 600);
    // While this thread was blocked, the I/O thread kept reading: every datagram is counted.
    const counted = ports.reduce((n, p) => n + (engine.portStats(p.handle)?.packets ?? 0), 0);
    await new Promise((r) => worker.once('exit', r));
    assert.ok(counted >= 30, `${counted} of 40 datagrams were counted while JavaScript was blocked`);
    await waitFor(() => ports.every((p) => engine.portStats(p.handle)?.packets === 1), 2000, 'all datagrams');
    await new Promise((r) => setTimeout(r, 50));
    const stats = engine.stats();
    assert.ok((stats.eventsDropped ?? 0) > 0, 'a full queue was counted');
    assert.equal((stats.eventsDropped ?? 0) + (stats.eventsDelivered ?? 0), 40, 'every event is delivered or counted');
    assert.equal(seen.length, stats.eventsDelivered);
  });

  it('is stopped and joined when the worker that owns it ends (environment cleanup)', async () => {
    const before = threadCount();
    const worker = new Worker(join(fixtures, 'engineInWorker.cjs'));
    const { threadId, port } = await new Promise<{ threadId: number; port: number }>((r) => worker.once('message', r));
    assert.ok(threadExists(threadId));
    assert.equal(await bindableByAnotherProcess(port), false);
    await worker.terminate();
    await waitFor(() => !threadExists(threadId), 2000, 'engine thread to end');
    assert.equal(await bindableByAnotherProcess(port), true, 'its port was closed');
    await waitFor(() => threadCount() <= before, 2000, 'worker threads to end');
  });

  it('is stopped and joined when dropped without close() and garbage-collected', async () => {
    const { stdout } = await run(process.execPath, ['--expose-gc', join(fixtures, 'engineGarbageCollected.cjs')]);
    const { before, during, after } = JSON.parse(stdout) as { before: number; during: number; after: number };
    assert.equal(during, before + 20);
    assert.equal(after, before);
  });

  it('does not keep the process alive, and the process exits cleanly with an engine still open', async () => {
    const started = Date.now();
    const { stdout } = await run(process.execPath, [join(fixtures, 'engineNeverClosed.cjs')], { timeout: 10000 });
    assert.match(stdout, /packets:1/);
    assert.ok(Date.now() - started < 5000, 'exited promptly');
  });
});
