import type { PortEvent } from './EngineEvent.js';
import type { PortStats } from './NativeTypes.js';

/** What a port needs of its engine; the engine keeps the handle table. */
export interface PortHost {
  subscribe(handle: number, listener: (event: PortEvent) => void): () => void;
  portStats(handle: number): PortStats | undefined;
  closeUdpPort(handle: number): boolean;
}

/**
 * One UDP socket owned and read by the engine's I/O thread. Its datagrams go natively to the
 * transports it is attached to; this object only carries its address, counters and events.
 */
export class NativePort {
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly host: PortHost,
    /** The engine's id of this socket: for the engine and tests, never for session code. */
    readonly handle: number,
    readonly ip: string,
    readonly port: number,
  ) {}

  /** Routes this port's source and drop reports to `listener` (one listener; a second replaces it). */
  onEvent(listener: (event: PortEvent) => void): void {
    this.unsubscribe?.();
    this.unsubscribe = this.host.subscribe(this.handle, listener);
  }

  stats(): PortStats | undefined {
    return this.closed ? undefined : this.host.portStats(this.handle);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the socket before returning. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.host.closeUdpPort(this.handle);
  }
}
