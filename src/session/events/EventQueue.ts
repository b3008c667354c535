/**
 * Events for SkyWay-style long polling: each `next()` gets exactly one event, the oldest not yet
 * taken; several waiting pollers are served in the order they came. Nothing is handed to a poller
 * that has gone away, so no event is lost to a closed request and none is delivered twice.
 */
export class EventQueue<T> {
  private readonly queued: T[] = [];
  private readonly waiters: { resolve: (value: T | undefined) => void; timer: NodeJS.Timeout }[] = [];
  private closed = false;
  dropped = 0;

  constructor(private readonly maxQueued = 1000) {}

  get length(): number {
    return this.queued.length;
  }

  push(event: T): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(event);
      return;
    }
    this.queued.push(event);
    // Nobody is polling: keep the newest, count what had to go.
    if (this.queued.length > this.maxQueued) {
      this.queued.shift();
      this.dropped++;
    }
  }

  /**
   * The next event, or undefined after `timeoutMs` without one, when `signal` aborts (the
   * client went away) or when the queue closes.
   */
  next(timeoutMs: number, signal?: AbortSignal): Promise<T | undefined> {
    if (this.queued.length > 0) return Promise.resolve(this.queued.shift());
    if (this.closed || signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter = {
        resolve: (value: T | undefined) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        timer: setTimeout(() => this.remove(waiter, undefined), timeoutMs),
      };
      const onAbort = (): void => this.remove(waiter, undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Ends every wait (they resolve undefined); later pushes are ignored. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve(undefined);
    }
  }

  private remove(waiter: (typeof this.waiters)[number], value: T | undefined): void {
    const index = this.waiters.indexOf(waiter);
    if (index < 0) return;
    this.waiters.splice(index, 1);
    clearTimeout(waiter.timer);
    waiter.resolve(value);
  }
}
