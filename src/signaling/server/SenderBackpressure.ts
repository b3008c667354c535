import type { Socket } from 'node:net';

import type { WebSocket } from 'ws';

import type { ConnectedClient } from './ConnectedClient.js';

/** A destination that holds unsent bytes past the high-water mark, and who waits on it. */
interface Congestion {
  readonly senders: Set<WebSocket>;
  readonly release: () => void;
  readonly stall: NodeJS.Timeout;
}

/**
 * Flow control between signaling clients: when a relayed message leaves its destination holding
 * more than `highWaterBytes` unsent, the server stops reading from the sender until the
 * destination's socket drains. A flood then slows its sender down (TCP pushes back on it) instead
 * of growing the server's memory or getting a busy but healthy destination disconnected. A
 * destination that does not drain within `stallMs` has stopped reading: `onStalled` drops it.
 */
export class SenderBackpressure {
  private readonly congested = new Map<WebSocket, Congestion>();

  constructor(
    private readonly highWaterBytes: number,
    private readonly stallMs: number,
    private readonly onStalled: (destination: ConnectedClient) => void,
  ) {}

  /** Senders paused now (for stats and tests). */
  get paused(): number {
    let n = 0;
    for (const c of this.congested.values()) n += c.senders.size;
    return n;
  }

  /** Called after a message from `sender` was queued on `client`'s socket. */
  afterSend(sender: WebSocket, client: ConnectedClient): void {
    const destination = client.socket;
    if (sender === destination || destination.bufferedAmount <= this.highWaterBytes) return;
    const tcp = (destination as unknown as { _socket?: Socket })._socket;
    if (!tcp) return;
    let congestion = this.congested.get(destination);
    if (!congestion) {
      const release = (): void => this.release(destination, tcp);
      tcp.once('drain', release);
      destination.once('close', release);
      const stall = setTimeout(() => {
        this.release(destination, tcp);
        this.onStalled(client);
      }, this.stallMs);
      stall.unref();
      congestion = { senders: new Set(), release, stall };
      this.congested.set(destination, congestion);
    }
    if (congestion.senders.has(sender)) return;
    congestion.senders.add(sender);
    sender.pause();
  }

  private release(destination: WebSocket, tcp: Socket): void {
    const congestion = this.congested.get(destination);
    if (!congestion) return;
    this.congested.delete(destination);
    clearTimeout(congestion.stall);
    tcp.removeListener('drain', congestion.release);
    destination.removeListener('close', congestion.release);
    for (const sender of congestion.senders) {
      // A sender waiting on another congested destination too stays paused until that drains.
      if (![...this.congested.values()].some((c) => c.senders.has(sender))) sender.resume();
    }
  }
}
