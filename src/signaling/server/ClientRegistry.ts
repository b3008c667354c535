import type { Logger } from '../../log/createLogger.js';
import type { ConnectedClient } from './ConnectedClient.js';
import type { DepartureReason } from './SignalingServerTypes.js';

/**
 * The ids bound to clients. Every departure goes through `remove`, which unbinds a client at most
 * once and reports it to `onClientGone` exactly then; a re-attach keeps the same ConnectedClient
 * (only its socket changes), so it is not a departure.
 */
export class ClientRegistry {
  private readonly clients = new Map<string, ConnectedClient>();

  constructor(
    private readonly logger: Logger,
    private readonly onClientGone: ((id: string) => void) | undefined,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  get(id: string): ConnectedClient | undefined {
    return this.clients.get(id);
  }

  /** This very client is bound (not gone, nor replaced by a later client with its id). */
  has(client: ConnectedClient): boolean {
    return this.clients.get(client.id) === client;
  }

  ids(): string[] {
    return [...this.clients.keys()];
  }

  values(): IterableIterator<ConnectedClient> {
    return this.clients.values();
  }

  add(client: ConnectedClient): void {
    this.clients.set(client.id, client);
  }

  /** Unbinds the client (its socket is the caller's to close); false if it was not bound. */
  remove(client: ConnectedClient, reason: DepartureReason): boolean {
    if (!this.has(client)) return false;
    this.clients.delete(client.id);
    if (client.expiryTimer) clearTimeout(client.expiryTimer);
    this.logger.debug({ id: client.id, reason }, 'client gone');
    try {
      this.onClientGone?.(client.id);
    } catch (error) {
      this.logger.error({ err: error, id: client.id }, 'onClientGone failed');
    }
    return true;
  }

  /** Forgets every client without reporting departures (the server is stopping); returns them. */
  clear(): ConnectedClient[] {
    const all = [...this.clients.values()];
    this.clients.clear();
    for (const client of all) if (client.expiryTimer) clearTimeout(client.expiryTimer);
    return all;
  }
}
