import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

import type { Logger } from '../../log/createLogger.js';
import type { PortTraffic, UdpPortResource } from './UdpPortResource.js';

/**
 * A data port. DataChannel traffic is handled in JavaScript (see docs/ARCHITECTURE.md),
 * so this socket is a Node dgram socket rather than a native one.
 */
export class DataPort implements UdpPortResource {
  readonly kind = 'data' as const;
  private readonly counters: PortTraffic = {
    packets: 0,
    bytes: 0,
    droppedOversize: 0,
    socketErrors: 0,
    lastSource: null,
  };
  private closed = false;

  private constructor(
    readonly id: string,
    readonly port: number,
    readonly bindIp: string,
    private readonly socket: Socket,
    private readonly logger: Logger,
  ) {
    socket.on('message', (message, remote) => this.onMessage(message, remote));
    socket.on('error', (error) => {
      this.counters.socketErrors++;
      logger.warn({ id, port, err: error }, 'data port socket error');
    });
  }

  /** Binds a socket; rejects with the errno as `code` (EADDRINUSE, ...) when it cannot. */
  static bind(id: string, bindIp: string, port: number, logger: Logger): Promise<DataPort> {
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: isIPv6(bindIp) ? 'udp6' : 'udp4' });
      const onError = (error: Error): void => {
        socket.close();
        reject(error);
      };
      socket.once('error', onError);
      socket.bind({ address: bindIp, port, exclusive: true }, () => {
        socket.off('error', onError);
        resolve(new DataPort(id, port, bindIp, socket, logger));
      });
    });
  }

  traffic(): PortTraffic {
    return { ...this.counters };
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(message: Buffer, remote: RemoteInfo): void {
    const source = remote.family === 'IPv6' ? `[${remote.address}]:${remote.port}` : `${remote.address}:${remote.port}`;
    if (this.counters.lastSource === null) {
      this.logger.info({ id: this.id, port: this.port, source }, 'port receives datagrams');
    }
    this.counters.packets++;
    this.counters.bytes += message.length;
    this.counters.lastSource = source;
  }
}
