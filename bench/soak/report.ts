/** The rows bench/soak.ts prints: what the gateway held before a phase, after it, and the growth. */
import type { Snapshot } from './gatewayUnderTest.js';
import type { ProcessSample } from './processSample.js';

export const HEADER = ['phase', 'work', 'time s', 'RSS MB', 'peak RSS (VmHWM) MB', 'JS heap after GC MB', 'descriptors', 'threads', 'UDP sockets', 'result'];

export const TREND_HEADER = ['phase', 'samples', 'RSS outside the V8 heap kB / cycle', 'JS heap kB / cycle', 'descriptors / cycle', 'threads / cycle', 'UDP sockets / cycle'];

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** "before → after (+growth)". */
export function change(before: number, after: number, digits = 0): string {
  const growth = after - before;
  const sign = growth > 0 ? '+' : growth < 0 ? '−' : '±';
  return `${fmt(before, digits)} → ${fmt(after, digits)} (${sign}${fmt(Math.abs(growth), digits)})`;
}

/** A row: `after` is a settled snapshot, or a sample (peak or moment) without the JS heap. */
export function row(phase: string, work: string, seconds: number, before: Snapshot, after: Snapshot | ProcessSample, result: string): string[] {
  const mb = (kb: number) => kb / 1024;
  return [
    phase,
    work,
    fmt(seconds, 1),
    change(mb(before.rssKb), mb(after.rssKb), 1),
    change(mb(before.hwmKb), mb(after.hwmKb), 1),
    'heapKb' in after ? change(mb(before.heapKb), mb(after.heapKb), 1) : '-',
    change(before.descriptors, after.descriptors),
    change(before.threads, after.threads),
    change(before.udpSockets, after.udpSockets),
    result,
  ];
}

/** A snapshot taken after `cycle` cycles of a phase. */
export interface CyclePoint {
  cycle: number;
  snapshot: Snapshot;
}

/** Least-squares slope of each measure over the cycles: what one cycle adds. */
export function trendRow(phase: string, points: CyclePoint[]): string[] {
  const slope = (value: (s: Snapshot) => number) => leastSquaresSlope(points.map((p) => [p.cycle, value(p.snapshot)]));
  return [
    phase,
    String(points.length),
    // V8 grows and shrinks its heap lazily; what RSS holds besides it is native memory.
    fmt(slope((s) => s.rssKb - s.heapCommittedKb), 2),
    fmt(slope((s) => s.heapKb), 2),
    fmt(slope((s) => s.descriptors), 3),
    fmt(slope((s) => s.threads), 3),
    fmt(slope((s) => s.udpSockets), 3),
  ];
}

export function leastSquaresSlope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}
