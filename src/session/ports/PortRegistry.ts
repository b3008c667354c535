import { randomUUID } from 'node:crypto';

import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { NativeEngine } from '../../native/NativeEngine.js';
import { NativeUdpPort } from './NativeUdpPort.js';
import type { PortAllocator } from './PortAllocator.js';
import { ID_PREFIX, type PortKind, type UdpPortResource } from './UdpPortResource.js';

export interface PortRegistryOptions {
  readonly engine: NativeEngine;
  readonly allocator: PortAllocator;
  readonly bindIp: string;
  readonly logger: Logger;
}

/** A data port receives any UDP datagram whole (IPv4 payloads stop at 65507, IPv6 ones at 65527). */
const DATA_PORT_MAX_DATAGRAM_BYTES = 65535;

/** Which REST field names a port of each kind, for error messages. */
const ID_FIELD: Record<PortKind, string> = { video: 'media_id', audio: 'media_id', rtcp: 'rtcp_id', data: 'data_id' };

/** Every UDP port handed out through the REST API, by id. */
export class PortRegistry {
  private readonly ports = new Map<string, UdpPortResource>();
  private closing = false;

  constructor(private readonly options: PortRegistryOptions) {}

  get size(): number {
    return this.ports.size;
  }

  /** Opens a native port for RTP of one media kind (POST /media). */
  openMedia(isVideo: boolean): Promise<NativeUdpPort> {
    return this.openNative(isVideo ? 'video' : 'audio');
  }

  /** Opens a native port for RTCP (POST /media/rtcp). */
  openRtcp(): Promise<NativeUdpPort> {
    return this.openNative('rtcp');
  }

  /** Opens a native data port (POST /data): it takes datagrams up to the largest UDP payload whole. */
  openData(): Promise<NativeUdpPort> {
    return this.openNative('data');
  }

  /** The port with this id if it is of one of `kinds`; NOT_FOUND otherwise. */
  get(id: string, kinds: readonly PortKind[]): UdpPortResource {
    const port = this.ports.get(id);
    if (!port || !kinds.includes(port.kind)) throw GatewayError.notFound(ID_FIELD[kinds[0] ?? 'data'], id);
    return port;
  }

  list(): UdpPortResource[] {
    return [...this.ports.values()];
  }

  /**
   * Closes and forgets one port; the UDP port number can be bound again when this resolves.
   * A port that feeds a connection is kept: RESOURCE_IN_USE names the connections.
   */
  async close(id: string, kinds: readonly PortKind[]): Promise<void> {
    const port = this.get(id, kinds);
    const users = port.usedBy();
    if (users.length > 0) {
      throw new GatewayError('RESOURCE_IN_USE', [
        { field: ID_FIELD[port.kind], message: `${id} feeds ${users.join(', ')}; delete those connections or give them another feed first` },
      ]);
    }
    this.ports.delete(id);
    try {
      await port.close();
    } finally {
      this.options.allocator.release(port.port);
    }
  }

  /** Closes every port (gateway shutdown); no port can be opened afterwards. */
  async closeAll(): Promise<void> {
    this.closing = true;
    const all = [...this.ports.values()];
    this.ports.clear();
    await Promise.allSettled(all.map((p) => p.close()));
    for (const p of all) this.options.allocator.release(p.port);
  }

  private async openNative(kind: PortKind): Promise<NativeUdpPort> {
    const { engine, bindIp, logger } = this.options;
    const options = kind === 'data' ? { maxDatagramBytes: DATA_PORT_MAX_DATAGRAM_BYTES } : {};
    const { port, bound } = await this.options.allocator.allocate((candidate) => engine.openUdpPort(bindIp, candidate, options));
    const id = newId(kind);
    return this.add(new NativeUdpPort(id, kind, port, bindIp, bound, logger.child({ subsystem: 'port' })));
  }

  private add<T extends UdpPortResource>(port: T): T {
    if (this.closing) {
      void port.close();
      this.options.allocator.release(port.port);
      throw new GatewayError('ENGINE_UNAVAILABLE', 'the gateway is shutting down');
    }
    this.ports.set(port.id, port);
    return port;
  }
}

function newId(kind: PortKind): string {
  return `${ID_PREFIX[kind]}-${randomUUID()}`;
}
