import { readdirSync, readFileSync } from 'node:fs';

export interface DescriptorBudgetOptions {
  /** The process's descriptor limit; read from /proc/self/limits (soft RLIMIT_NOFILE) by default. */
  readonly limit?: number;
  /** Descriptors kept free for what already runs (REST requests, ports, the engine). */
  readonly reserve?: number;
  /** How many descriptors are open now; counts /proc/self/fd by default. */
  readonly countOpen?: () => number;
  readonly now?: () => number;
}

/** A count of /proc/self/fd is reused this long; what was granted since is added to it. */
const COUNT_REUSE_MS = 100;

/**
 * Whether the process can afford the descriptors a new connection or client will open. Node
 * raises the soft RLIMIT_NOFILE to the hard limit at start; past that, running out would reset
 * REST connections and fail accept() for everything at once, so new work is refused first, with
 * a clear error, while a reserve stays free for what already runs.
 */
export class DescriptorBudget {
  readonly limit: number;
  readonly reserve: number;
  private readonly countOpen: () => number;
  private readonly now: () => number;
  private counted = { at: -Infinity, open: 0, granted: 0 };

  constructor(options: DescriptorBudgetOptions = {}) {
    this.limit = options.limit ?? softDescriptorLimit();
    this.reserve = options.reserve ?? Math.max(128, Math.floor(this.limit * 0.05));
    this.countOpen = options.countOpen ?? openDescriptors;
    this.now = options.now ?? Date.now;
  }

  /** Descriptors open now (a recent count plus what was granted since). */
  get open(): number {
    this.refresh();
    return this.counted.open + this.counted.granted;
  }

  /**
   * True, and counted as taken, when `cost` more descriptors leave the reserve free.
   * `committed`: descriptors that work already admitted will open later (a PeerConnection opens
   * its sockets only once it gathers), so a count of what is open now does not see them yet.
   */
  take(cost: number, committed = 0): boolean {
    if (this.open + committed + cost > this.limit - this.reserve) return false;
    this.counted.granted += cost;
    return true;
  }

  private refresh(): void {
    const now = this.now();
    if (now - this.counted.at < COUNT_REUSE_MS) return;
    this.counted = { at: now, open: this.countOpen(), granted: 0 };
  }
}

/** Max open files, soft limit, from /proc/self/limits; Infinity when unlimited or unreadable. */
function softDescriptorLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    const n = Number(soft);
    return Number.isFinite(n) && n > 0 ? n : Infinity;
  } catch {
    return Infinity;
  }
}

function openDescriptors(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}
