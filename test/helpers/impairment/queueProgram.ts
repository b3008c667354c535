import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

import { Lines } from './lines.js';

/** What netemQueue counts (see netemQueue.cc). */
export interface QueueCounters {
  /** Packets the program read from its queue. */
  seen: number;
  dropped: number;
  /** Includes `overflow` and the packets accepted at exit. */
  accepted: number;
  /** Accepted at once because the program's pending queue was full. */
  overflow: number;
  /** Netlink receive overruns (ENOBUFS): packets the program never saw, accepted by a later batch verdict. */
  overruns: number;
}

export const ZERO_COUNTERS: QueueCounters = { seen: 0, dropped: 0, accepted: 0, overflow: 0, overruns: 0 };

export function addCounters(a: QueueCounters, b: QueueCounters): QueueCounters {
  return {
    seen: a.seen + b.seen,
    dropped: a.dropped + b.dropped,
    accepted: a.accepted + b.accepted,
    overflow: a.overflow + b.overflow,
    overruns: a.overruns + b.overruns,
  };
}

const isCounters = (v: any): boolean => typeof v?.seen === 'number' && typeof v?.dropped === 'number';

/** One running netemQueue (already spawned inside the peer namespace, with --watch-stdin). */
export class QueueProgram {
  private readonly lines: Lines;
  private stderr = '';
  private asking: Promise<unknown> = Promise.resolve();

  constructor(readonly child: ChildProcess, readonly queue: number) {
    this.lines = new Lines(child.stdout!);
    child.stderr!.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += chunk.toString();
    });
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Resolves once the program has bound its queue. */
  async ready(): Promise<void> {
    try {
      await this.lines.next(5000, `netemQueue on queue ${this.queue} to bind`, (l) => l === 'ready');
    } catch (e) {
      await this.stop().catch(() => undefined);
      throw new Error(`netemQueue did not start: ${(e as Error).message}; stderr: ${this.stderr.trim() || '(empty)'}`);
    }
  }

  /** Its counters now (SIGUSR1 makes it print them); one question at a time, as signals coalesce. */
  counters(): Promise<QueueCounters> {
    const ask = this.asking.then(async () => {
      if (this.exited) throw new Error(`netemQueue on queue ${this.queue} is not running (exit ${this.child.exitCode ?? this.child.signalCode}): ${this.stderr.trim()}`);
      this.child.kill('SIGUSR1');
      return this.lines.nextJson<QueueCounters>(2000, 'netemQueue counters', isCounters);
    });
    this.asking = ask.catch(() => undefined);
    return ask;
  }

  /** SIGTERM: it accepts every packet it holds, prints its final counters and exits (SIGKILL after 3 s). */
  async stop(): Promise<QueueCounters> {
    if (this.exited) return { ...ZERO_COUNTERS };
    const exit = once(this.child, 'exit');
    const final = this.lines.nextJson<QueueCounters>(3000, 'netemQueue final counters', isCounters).catch(() => ({ ...ZERO_COUNTERS }));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exit;
    clearTimeout(timer);
    return final;
  }
}
