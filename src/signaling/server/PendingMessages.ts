/** A relayed message held for a peer that is not connected (yet), as serialized JSON text. */
interface Pending {
  readonly src: string;
  readonly text: Buffer;
  readonly at: number;
}

/**
 * Messages waiting for their destination to connect (PeerJS queues OFFERs and CANDIDATEs for a
 * peer that is still joining). After `expireMs` the senders are told EXPIRE and the messages go.
 * Bounded per destination and in total, so an absent or made-up destination cannot grow memory.
 */
export class PendingMessages {
  private readonly byDestination = new Map<string, Pending[]>();
  private total = 0;

  constructor(
    private readonly expireMs: number,
    private readonly maxPerDestination: number,
    private readonly maxTotal: number,
  ) {}

  get size(): number {
    return this.total;
  }

  /** False when the limits are reached: the caller should tell the sender EXPIRE at once. */
  add(dst: string, src: string, text: Buffer, now: number): boolean {
    let queue = this.byDestination.get(dst);
    if (queue && queue.length >= this.maxPerDestination) return false;
    if (this.total >= this.maxTotal) return false;
    if (!queue) {
      queue = [];
      this.byDestination.set(dst, queue);
    }
    queue.push({ src, text, at: now });
    this.total++;
    return true;
  }

  /** Everything waiting for `dst`, in arrival order; the queue is emptied. */
  take(dst: string): Buffer[] {
    const queue = this.byDestination.get(dst);
    if (!queue) return [];
    this.byDestination.delete(dst);
    this.total -= queue.length;
    return queue.map((p) => p.text);
  }

  discard(dst: string): void {
    this.take(dst);
  }

  /**
   * Drops queues whose oldest message waited `expireMs`; returns each (src, dst) pair once so
   * the sender can be told its destination never came.
   */
  expire(now: number): { src: string; dst: string }[] {
    const expired: { src: string; dst: string }[] = [];
    for (const [dst, queue] of this.byDestination) {
      if (now - queue[0]!.at < this.expireMs) continue;
      const senders = new Set(queue.map((p) => p.src));
      for (const src of senders) expired.push({ src, dst });
      this.byDestination.delete(dst);
      this.total -= queue.length;
    }
    return expired;
  }
}
