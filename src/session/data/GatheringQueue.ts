/**
 * Lets one libwebrtc PeerConnection gather ICE candidates at a time. Measured with @roamhq/wrtc:
 * PeerConnections that gather at once restart each other's gathering, so a burst of N binds
 * N(N+1) UDP sockets (32 at once: 1,056; each starting when the one before completed: 64;
 * starting at the one before's first candidate is not enough: 956). A burst of offers would then
 * run the process out of descriptors before any limit saw it coming. A turn ends when the
 * holder's gathering completes (about 100 ms), it closes, or `maxTurnMs` passes. Turns rotate
 * between keys (gateway peers), so a flood of offers to one peer delays only that peer's.
 */
export class GatheringQueue {
  private readonly waiting = new Map<string, (() => void)[]>();
  private busy = false;
  private queued = 0;

  constructor(private readonly maxTurnMs = 2000) {}

  /** PeerConnections waiting for their turn, the current one included. */
  get length(): number {
    return this.queued;
  }

  /** Resolves when it is the caller's turn, with the function that ends it (idempotent). */
  async acquire(key: string): Promise<() => void> {
    this.queued++;
    await new Promise<void>((resolve) => {
      if (!this.busy) {
        this.busy = true;
        resolve();
        return;
      }
      const list = this.waiting.get(key);
      if (list) list.push(resolve);
      else this.waiting.set(key, [resolve]);
    });
    let ended = false;
    const release = (): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      this.queued--;
      this.next();
    };
    const timer = setTimeout(release, this.maxTurnMs);
    timer.unref();
    return release;
  }

  /** The next turn goes to the key that waited longest for one; it then moves to the back. */
  private next(): void {
    const first = this.waiting.entries().next();
    if (first.done) {
      this.busy = false;
      return;
    }
    const [key, list] = first.value;
    const resolve = list.shift()!;
    this.waiting.delete(key);
    if (list.length > 0) this.waiting.set(key, list);
    resolve();
  }
}
