import type { Logger } from '../../log/createLogger.js';
import type { ClientRegistry } from './ClientRegistry.js';
import type { ConnectedClient } from './ConnectedClient.js';
import { LogThrottle } from '../../log/LogThrottle.js';
import type { PendingMessages } from './PendingMessages.js';
import { SenderBackpressure } from './SenderBackpressure.js';
import { UnsentBytesBudget } from './UnsentBytesBudget.js';
import type { SignalingCounters } from './SignalingServerTypes.js';

/**
 * Carries OFFER, ANSWER, CANDIDATE, LEAVE and EXPIRE between clients: straight to a connected
 * destination, else into PendingMessages until it connects or the wait expires. A sender whose
 * destination holds a quarter of its limit unsent is read no further until it drains
 * (SenderBackpressure). A destination that stopped reading (its unsent bytes would pass the
 * limit, or it has not drained for drainTimeoutMs) is disconnected, and its message waits as for any
 * absent peer; when the queue is full the sender is told EXPIRE at once.
 */
export class MessageRelay {
  private readonly slowConsumerLog = new LogThrottle(1000);
  private readonly backpressure: SenderBackpressure;
  private readonly unsent: UnsentBytesBudget;

  constructor(
    private readonly clients: ClientRegistry,
    private readonly pending: PendingMessages,
    private readonly counters: SignalingCounters,
    private readonly logger: Logger,
    limits: { sendBufferLimitBytes: number; drainTimeoutMs: number; maxUnsentBytes: number },
  ) {
    this.backpressure = new SenderBackpressure(limits.sendBufferLimitBytes / 4, limits.drainTimeoutMs, (client) => this.dropSlowConsumer(client));
    this.unsent = new UnsentBytesBudget(limits.maxUnsentBytes, (client) => this.dropSlowConsumer(client));
  }

  /** Keeps what all clients hold unsent within the total bound; returns that total. */
  checkUnsent(now: number): number {
    return this.unsent.check([...this.clients.values()], now);
  }

  /** Senders whose reading is paused until a destination drains. */
  get pausedSenders(): number {
    return this.backpressure.paused;
  }

  /**
   * Forwards a client's validated message with `src` set to the sender. The client's own JSON
   * bytes are reused with `"src"` appended as the object's last member, so a forged src in the
   * input cannot win; no re-serialization, no string conversion on the way out.
   */
  relay(from: ConnectedClient, type: string, dst: string | undefined, bytes: Buffer): void {
    if (dst === undefined) {
      if (type === 'LEAVE' && this.clients.remove(from, 'left')) from.socket.close();
      return;
    }
    const end = bytes.lastIndexOf(0x7d); // the closing "}" of the validated object
    let out: Buffer | undefined;
    const target = this.clients.get(dst);
    if (target) {
      out = withSource(bytes, end, from.srcSuffix);
      const result = target.sendRaw(out);
      if (result === 'sent') {
        this.counters.relayed++;
        this.backpressure.afterSend(from.socket, target);
        return;
      }
      if (result === 'overflow') this.dropSlowConsumer(target);
      // Closing, or just dropped: the destination is absent and the message waits like any other.
    }
    // LEAVE and EXPIRE for someone absent mean nothing; the rest waits for its destination.
    if (type === 'LEAVE' || type === 'EXPIRE') return;
    // Checked before copying: a flood of refused messages then costs no copies.
    if (!this.pending.fits(dst, end + from.srcSuffix.length)) {
      this.counters.queueRefused++;
      this.notify(from, { type: 'EXPIRE', src: dst, dst: from.id });
      return;
    }
    this.pending.add(dst, from.id, out ?? withSource(bytes, end, from.srcSuffix), Date.now());
  }

  /** A message from the server itself; a client that stopped reading is dropped instead. */
  notify(client: ConnectedClient, message: object): void {
    if (client.send(message) === 'overflow') this.dropSlowConsumer(client);
  }

  /** Hands a client what waited for it; those bytes were already bounded by the queue's limits. */
  flush(client: ConnectedClient): void {
    for (const text of this.pending.take(client.id)) {
      if (client.sendRaw(text, false) === 'sent') this.counters.relayed++;
    }
  }

  /** Drops what waited `expireMs` for nobody and tells each sender EXPIRE once per destination. */
  expire(now: number): void {
    for (const { src, dst } of this.pending.expire(now)) {
      this.counters.expired++;
      const sender = this.clients.get(src);
      if (sender) this.notify(sender, { type: 'EXPIRE', src: dst, dst: src });
    }
  }

  private dropSlowConsumer(client: ConnectedClient): void {
    if (!this.clients.remove(client, 'slow-consumer')) return;
    this.counters.slowConsumers++;
    const unsentBytes = client.socket.bufferedAmount;
    // terminate() destroys the TCP socket, which lets go of everything it held unsent.
    client.socket.terminate();
    const log = this.slowConsumerLog.admit(Date.now());
    if (log) {
      this.logger.warn({ id: client.id, unsentBytes, alsoDroppedSinceLastLine: log.suppressed }, 'disconnected a client that stopped reading');
    }
  }
}

/**
 * The relayed form of a client's validated JSON object: its bytes up to the closing "}" at `end`,
 * then `,"src":"<id>"}`. Allocated on its own, not from Node's shared 8 KiB pool: a small pooled
 * slice waiting in a queue or an unread socket would keep its whole slab alive.
 */
function withSource(bytes: Buffer, end: number, srcSuffix: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(end + srcSuffix.length);
  bytes.copy(out, 0, 0, end);
  srcSuffix.copy(out, end);
  return out;
}
