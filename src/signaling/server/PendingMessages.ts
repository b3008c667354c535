/** A relayed message held for a peer that is not connected (yet), as serialized JSON text. */
interface Pending {
  readonly src: string;
  readonly text: Buffer;
  readonly at: number;
}

interface Queue {
  readonly messages: Pending[];
  bytes: number;
}

/** How much PendingMessages may hold, per destination and for all destinations together. */
export interface PendingLimits {
  readonly messagesPerDestination: number;
  readonly messages: number;
  readonly bytesPerDestination: number;
  readonly bytes: number;
}

/**
 * Messages waiting for their destination to connect (PeerJS queues OFFERs and CANDIDATEs for a
 * peer that is still joining). After `expireMs` the senders are told EXPIRE and the messages go.
 * Bounded in count and in bytes, per destination and in total, so neither many small messages nor
 * a few large ones to absent or made-up destinations can grow memory.
 */
export class PendingMessages {
  private readonly byDestination = new Map<string, Queue>();
  private count = 0;
  private totalBytes = 0;

  constructor(
    private readonly expireMs: number,
    private readonly limits: PendingLimits,
  ) {}

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Whether a message of `length` bytes for `dst` would be kept (no limit passed). */
  fits(dst: string, length: number): boolean {
    const queue = this.byDestination.get(dst);
    if (this.count >= this.limits.messages || this.totalBytes + length > this.limits.bytes) return false;
    if ((queue?.messages.length ?? 0) >= this.limits.messagesPerDestination) return false;
    return (queue?.bytes ?? 0) + length <= this.limits.bytesPerDestination;
  }

  /** False when a limit would be passed: the caller should tell the sender EXPIRE at once. */
  add(dst: string, src: string, text: Buffer, now: number): boolean {
    const length = text.length;
    if (!this.fits(dst, length)) return false;
    const queue = this.byDestination.get(dst);
    const entry = { src, text, at: now };
    if (queue) {
      queue.messages.push(entry);
      queue.bytes += length;
    } else {
      this.byDestination.set(dst, { messages: [entry], bytes: length });
    }
    this.count++;
    this.totalBytes += length;
    return true;
  }

  /** Everything waiting for `dst`, in arrival order; the queue is emptied. */
  take(dst: string): Buffer[] {
    const queue = this.byDestination.get(dst);
    if (!queue) return [];
    this.drop(dst, queue);
    return queue.messages.map((p) => p.text);
  }

  /**
   * Drops queues whose oldest message waited `expireMs`; returns each (src, dst) pair once so
   * the sender can be told its destination never came.
   */
  expire(now: number): { src: string; dst: string }[] {
    const expired: { src: string; dst: string }[] = [];
    for (const [dst, queue] of this.byDestination) {
      if (now - queue.messages[0]!.at < this.expireMs) continue;
      const senders = new Set(queue.messages.map((p) => p.src));
      for (const src of senders) expired.push({ src, dst });
      this.drop(dst, queue);
    }
    return expired;
  }

  private drop(dst: string, queue: Queue): void {
    this.byDestination.delete(dst);
    this.count -= queue.messages.length;
    this.totalBytes -= queue.bytes;
  }
}
