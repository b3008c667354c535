import type { Logger } from '../../log/createLogger.js';
import { DROP_REASONS, type DropReason } from './DropReason.js';

/** Which way a dropped item was going. */
export type DropDirection = 'to_remote' | 'from_remote';

/**
 * Counts drops by reason and direction. The first drop of a kind, and then at most one per
 * `reportEveryMs`, is logged and reported (the connection raises an ERROR event), so a user sees
 * that data is being lost without a flood of events or log lines.
 */
export class DropCounter {
  private readonly counts = new Map<string, number>();
  private readonly lastReport = new Map<string, number>();
  total = 0;

  constructor(
    private readonly logger: Logger,
    private readonly report: (direction: DropDirection, reason: DropReason, count: number) => void,
    private readonly reportEveryMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  add(direction: DropDirection, reason: DropReason, count = 1): void {
    const key = `${direction}:${reason}`;
    const total = (this.counts.get(key) ?? 0) + count;
    this.counts.set(key, total);
    this.total += count;
    this.observe(direction, reason, total);
  }

  /**
   * Drops counted elsewhere (natively) reached `total` so far: reported like counted ones, first
   * and then at most one per `reportEveryMs`; not added here.
   */
  observe(direction: DropDirection, reason: DropReason, total: number): void {
    const key = `${direction}:${reason}`;
    const now = this.now();
    const last = this.lastReport.get(key);
    if (last !== undefined && now - last < this.reportEveryMs) return;
    this.lastReport.set(key, now);
    this.logger.warn({ direction, reason, dropped: total }, 'data connection dropped data');
    this.report(direction, reason, total);
  }

  /** Counts by direction and reason, zeros left out. */
  snapshot(): Record<DropDirection, Partial<Record<DropReason, number>>> {
    const out: Record<DropDirection, Partial<Record<DropReason, number>>> = { to_remote: {}, from_remote: {} };
    for (const direction of ['to_remote', 'from_remote'] as const) {
      for (const reason of DROP_REASONS) {
        const n = this.counts.get(`${direction}:${reason}`);
        if (n) out[direction][reason] = n;
      }
    }
    return out;
  }
}
