/**
 * The gateway bench/soak.ts measures: the built package in a process of its own
 * (gatewayWithGc.mjs: bin/webrtc-gateway.js plus a full garbage collection on request), so its
 * memory, descriptors and threads are its own and /proc/<pid> shows them.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { GatewayProcess } from '../../test/support/gatewayProcess.js';
import { sampleProcess, type ProcessSample } from './processSample.js';

/** A sample taken after a full collection, with what V8 reports then (kB). */
export interface Snapshot extends ProcessSample {
  /** JS objects still referenced (heapUsed). */
  heapKb: number;
  /** Memory V8 holds for its heap (heapTotal), and memory outside it that JS objects own (external). */
  heapCommittedKb: number;
  externalKb: number;
}

/** Settling ends once descriptors, threads and UDP sockets stay the same over this interval... */
const STABLE_INTERVAL_MS = 500;
/** ...or after this long. */
const MAX_SETTLE_MS = 15_000;

export class GatewayUnderTest {
  readonly process: GatewayProcess;
  api = '';
  signalingPort = 0;

  constructor(readonly args: string[]) {
    this.process = new GatewayProcess(args, {}, {
      gateway: [process.execPath, '--expose-gc', join(import.meta.dirname, 'gatewayWithGc.mjs')],
      ipc: true,
      stderr: 'inherit',
    });
  }

  get pid(): number {
    return this.process.child.pid!;
  }

  async start(): Promise<void> {
    this.api = await this.process.logged('REST API listening', 'api');
    this.signalingPort = Number(new URL(await this.process.logged('signaling server listening', 'url')).port);
  }

  sample(): ProcessSample {
    return sampleProcess(this.pid);
  }

  /** A full collection in the gateway, then its JS heap in use (kB) and a sample. */
  async snapshot(): Promise<Snapshot> {
    const child = this.process.child;
    const memory = await new Promise<NodeJS.MemoryUsage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the gateway did not answer a gc request')), 10_000);
      const onMessage = (m: { type?: string; memory?: NodeJS.MemoryUsage }) => {
        if (m.type !== 'gc') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m.memory!);
      };
      child.on('message', onMessage);
      child.send({ type: 'gc' });
    });
    return { ...this.sample(), heapKb: memory.heapUsed / 1024, heapCommittedKb: memory.heapTotal / 1024, externalKb: memory.external / 1024 };
  }

  /**
   * Waits at least `minMs` (for the gateway's own timers), collects garbage three times (a closed
   * libwebrtc PeerConnection is freed over two collections, see PeerConnectionReaper), waits
   * until descriptors, threads and UDP sockets stop changing, and takes a snapshot.
   */
  async settle(minMs: number): Promise<Snapshot> {
    const started = Date.now();
    await sleep(minMs);
    for (let i = 0; i < 3; i++) {
      await this.snapshot();
      await sleep(300);
    }
    let previous = this.sample();
    while (Date.now() - started < minMs + MAX_SETTLE_MS) {
      await sleep(STABLE_INTERVAL_MS);
      const now = this.sample();
      const stable = now.descriptors === previous.descriptors && now.threads === previous.threads && now.udpSockets === previous.udpSockets;
      previous = now;
      if (stable) break;
    }
    return this.snapshot();
  }

  /** Warnings and errors the gateway logged from log line `from` on, counted by message. */
  warningsSince(from: number): Map<string, number> {
    const counts = new Map<string, number>();
    for (const line of this.process.logs.slice(from)) {
      if (line['level'] !== 'warn' && line['level'] !== 'error' && line['level'] !== 'fatal') continue;
      const key = `${line['level']}: ${String(line['msg'])}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  /** Stops the gateway (SIGTERM, a graceful stop); nothing to do when it has already exited. */
  async stop(): Promise<void> {
    const child = this.process.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await this.process.stop();
  }
}

/** A warning when a file in src/ is newer than the build the gateway runs (dist/, from `npm run compile`). */
export function staleBuildWarning(): string | undefined {
  const root = join(import.meta.dirname, '..', '..');
  let built: number;
  try {
    built = statSync(join(root, 'dist', 'cli', 'main.js')).mtimeMs;
  } catch {
    return 'dist/ is missing: run `npm run compile` first';
  }
  const newer = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(root, 'src', f)).mtimeMs > built);
  return newer.length ? `src/ has ${newer.length} file(s) newer than dist/ (e.g. ${newer[0]}): run \`npm run compile\` to measure them` : undefined;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
