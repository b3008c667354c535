import type { ConnectedClient } from './ConnectedClient.js';

/** What the budget knows of one client between two checks. */
interface Progress {
  readonly bytes: number;
  /** Since when the client has not drained anything (its unsent bytes never went down). */
  readonly stuckSince: number;
}

/**
 * A bound on the bytes the server holds unsent for all clients together: each client's own limit
 * times the number of clients would be gigabytes. Checked a few times a second; while the total
 * is over `maxBytes`, the clients that have gone longest without draining anything (readers that
 * stopped, not busy ones) are handed to `drop`, oldest first, until the total fits.
 */
export class UnsentBytesBudget {
  private readonly progress = new WeakMap<ConnectedClient, Progress>();

  constructor(
    private readonly maxBytes: number,
    private readonly drop: (client: ConnectedClient) => void,
  ) {}

  /** Returns the total held unsent after dropping what had to go. */
  check(clients: Iterable<ConnectedClient>, now: number): number {
    let total = 0;
    const holding: { client: ConnectedClient; bytes: number; stuckSince: number }[] = [];
    for (const client of clients) {
      const bytes = client.socket.bufferedAmount;
      total += bytes;
      const last = this.progress.get(client);
      const stuckSince = !last || last.bytes === 0 || bytes < last.bytes ? now : last.stuckSince;
      this.progress.set(client, { bytes, stuckSince });
      if (bytes > 0) holding.push({ client, bytes, stuckSince });
    }
    if (total <= this.maxBytes) return total;
    holding.sort((a, b) => a.stuckSince - b.stuckSince || b.bytes - a.bytes);
    for (const { client, bytes } of holding) {
      if (total <= this.maxBytes) break;
      this.drop(client);
      total -= bytes;
    }
    return total;
  }
}
