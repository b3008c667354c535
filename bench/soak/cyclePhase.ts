/**
 * A phase of bench/soak.ts made of cycles: warm-up cycles, a settled "before", the measured
 * cycles with a snapshot every `sampleEvery`, a settled "after". Every cycle has a time limit;
 * the phase stops at its own time limit or after 10 failed cycles in a row.
 */
import type { CycleResult, CycleSockets } from './cycles.js';
import type { GatewayUnderTest, Snapshot } from './gatewayUnderTest.js';
import { fmt, type CyclePoint } from './report.js';

export interface CyclePhaseSettings {
  count: number;
  warmupCycles: number;
  sampleEvery: number;
  settleMs: number;
  cycleTimeoutMs: number;
  phaseSeconds: number;
  signal: AbortSignal;
}

export interface CyclePhaseResult {
  /** Measured cycles run, and of those the ones that completed. */
  run: number;
  ok: number;
  /** Datagrams sent by the completed cycles, and delivered. */
  sent: number;
  delivered: number;
  seconds: number;
  before: Snapshot;
  after: Snapshot;
  points: CyclePoint[];
  /** Why cycles failed (warm-up included), ids masked, with counts. */
  errors: Map<string, number>;
  /** The gateway's first log line of the measured cycles. */
  logFrom: number;
}

const MAX_FAILURES_IN_A_ROW = 10;

type Cycle = (base: string, n: number, sockets: CycleSockets) => Promise<CycleResult>;

export async function runCyclePhase(gateway: GatewayUnderTest, sockets: CycleSockets, cycle: Cycle, s: CyclePhaseSettings): Promise<CyclePhaseResult> {
  const errors = new Map<string, number>();
  let n = 0;
  let failuresInARow = 0;
  const attempt = async (): Promise<CycleResult | undefined> => {
    try {
      const result = await withTimeout(cycle(gateway.api, n++, sockets), s.cycleTimeoutMs, 'the cycle');
      failuresInARow = 0;
      return result;
    } catch (error) {
      failuresInARow++;
      const message = (error as Error).message.split('\n')[0]!.replace(/soak-[md]\d+-/g, 'soak-*-').replace(/[0-9a-f-]{36}/g, '<id>');
      errors.set(message, (errors.get(message) ?? 0) + 1);
      return undefined;
    }
  };
  for (let i = 0; i < s.warmupCycles && !s.signal.aborted; i++) await attempt();
  const before = await gateway.settle(s.settleMs);
  const logFrom = gateway.process.logs.length;
  const points: CyclePoint[] = [{ cycle: 0, snapshot: before }];
  const t0 = performance.now();
  const deadline = Date.now() + s.phaseSeconds * 1000;
  const r = { run: 0, ok: 0, sent: 0, delivered: 0 };
  while (r.run < s.count && Date.now() < deadline && failuresInARow < MAX_FAILURES_IN_A_ROW && !s.signal.aborted) {
    const result = await attempt();
    r.run++;
    if (result) {
      r.ok++;
      r.sent += result.sent;
      r.delivered += result.delivered;
    }
    if (r.run % s.sampleEvery !== 0) continue;
    const snapshot = await gateway.snapshot();
    points.push({ cycle: r.run, snapshot });
    console.log(
      `  ${r.run} cycles, ${fmt((performance.now() - t0) / 1000, 1)} s: RSS ${fmt(snapshot.rssKb / 1024, 1)} MB, JS heap ${fmt(snapshot.heapKb / 1024, 2)} MB ` +
        `(V8 holds ${fmt(snapshot.heapCommittedKb / 1024, 1)} MB, external ${fmt(snapshot.externalKb / 1024, 1)} MB), ` +
        `${snapshot.descriptors} descriptors, ${snapshot.threads} threads, ${snapshot.udpSockets} UDP sockets`,
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = await gateway.settle(s.settleMs);
  return { ...r, seconds, before, after, points, errors, logFrom };
}

/** `promise`, or a rejection after `ms`; a late failure of `promise` is then ignored. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  promise.catch(() => {});
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
