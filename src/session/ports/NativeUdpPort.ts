import type { Logger } from '../../log/createLogger.js';
import type { NativePort } from '../../native/NativePort.js';
import type { PortKind, PortTraffic, UdpPortResource } from './UdpPortResource.js';

/** A media, RTCP or data port: its socket is owned and read by the native I/O thread. */
export class NativeUdpPort implements UdpPortResource {
  /** Ids of the connections this port feeds. */
  private readonly users = new Set<string>();
  private closed = false;

  constructor(
    readonly id: string,
    readonly kind: PortKind,
    readonly port: number,
    readonly bindIp: string,
    /** The engine's socket, which transports are attached to. */
    readonly native: NativePort,
    logger: Logger,
  ) {
    native.onEvent((event) => {
      if (event.kind === 'port-source') {
        logger.info({ id, port, source: event.source }, 'port receives datagrams');
      } else if (event.kind === 'port-drops') {
        logger.warn({ id, port, dropped: event.count, reason: event.reason }, 'port dropped datagrams');
      }
    });
  }

  traffic(): PortTraffic {
    const s = this.native.stats();
    return {
      packets: s?.packets ?? 0,
      bytes: s?.bytes ?? 0,
      droppedOversize: s?.droppedOversize ?? 0,
      socketErrors: s?.socketErrors ?? 0,
      lastSource: s?.lastSource ?? null,
    };
  }

  usedBy(): string[] {
    return [...this.users];
  }

  /** Records that a connection takes this port's datagrams (attached natively). */
  use(connectionId: string): void {
    this.users.add(connectionId);
  }

  release(connectionId: string): void {
    this.users.delete(connectionId);
  }

  get isClosed(): boolean {
    return this.closed || this.native.isClosed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.native.close();
  }
}
