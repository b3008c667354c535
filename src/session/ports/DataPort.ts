import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

import type { Logger } from '../../log/createLogger.js';
import type { PortTraffic, UdpPortResource } from './UdpPortResource.js';

const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

/** Takes the datagrams arriving at a data port: a DataConnection it feeds. */
export interface DatagramSink {
  readonly id: string;
  onDatagram(datagram: Buffer): void;
}

/**
 * A data port. DataChannel traffic is handled in JavaScript (see docs/ARCHITECTURE.md),
 * so this socket is a Node dgram socket rather than a native one. Every datagram that arrives
 * goes to every connection the port feeds; connections also send their redirected datagrams
 * from it, so a UDP program sees replies come from the port it sends to.
 */
export class DataPort implements UdpPortResource {
  readonly kind = 'data' as const;
  readonly family: 4 | 6;
  private readonly sinks = new Set<DatagramSink>();
  private readonly counters = { packets: 0, bytes: 0, socketErrors: 0 };
  /** Formatted only when asked for: no string is built per datagram. */
  private lastRemote: RemoteInfo | undefined;
  private closed = false;

  private constructor(
    readonly id: string,
    readonly port: number,
    readonly bindIp: string,
    private readonly socket: Socket,
    private readonly logger: Logger,
  ) {
    this.family = isIPv6(bindIp) ? 6 : 4;
    socket.on('message', (message, remote) => this.onMessage(message, remote));
    socket.on('error', (error) => {
      this.counters.socketErrors++;
      logger.warn({ id, port, err: error }, 'data port socket error');
    });
  }

  /** Binds a socket; rejects with the errno as `code` (EADDRINUSE, ...) when it cannot. */
  static bind(id: string, bindIp: string, port: number, logger: Logger): Promise<DataPort> {
    return new Promise((resolve, reject) => {
      // Bursts wait in the kernel while JavaScript is busy (the kernel caps this at rmem_max).
      const socket = createSocket({ type: isIPv6(bindIp) ? 'udp6' : 'udp4', recvBufferSize: SOCKET_BUFFER_BYTES });
      const onError = (error: Error): void => {
        socket.close();
        reject(error);
      };
      socket.once('error', onError);
      socket.bind({ address: bindIp, port, exclusive: true }, () => {
        socket.off('error', onError);
        try {
          // Whether a broadcast address may be a redirect target is the redirect policy's call;
          // without this the kernel would refuse it (EACCES) whatever the policy says.
          socket.setBroadcast(true);
        } catch (error) {
          onError(error as Error);
          return;
        }
        resolve(new DataPort(id, port, bindIp, socket, logger));
      });
    });
  }

  traffic(): PortTraffic {
    return { ...this.counters, droppedOversize: 0, lastSource: this.lastRemote ? formatSource(this.lastRemote) : null };
  }

  usedBy(): string[] {
    return [...this.sinks].map((s) => s.id);
  }

  /** Starts handing this port's datagrams to `sink`. */
  attach(sink: DatagramSink): void {
    this.sinks.add(sink);
  }

  detach(sink: DatagramSink): void {
    this.sinks.delete(sink);
  }

  /** Sends a datagram from this port (same address family as the port). */
  send(datagram: Buffer, port: number, address: string, done: (error: Error | null) => void): void {
    if (this.closed) {
      done(new Error('the data port is closed'));
      return;
    }
    this.socket.send(datagram, port, address, done);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.sinks.clear();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(message: Buffer, remote: RemoteInfo): void {
    if (this.lastRemote === undefined) {
      this.logger.info({ id: this.id, port: this.port, source: formatSource(remote) }, 'port receives datagrams');
    }
    this.counters.packets++;
    this.counters.bytes += message.length;
    this.lastRemote = remote;
    for (const sink of this.sinks) sink.onDatagram(message);
  }
}

function formatSource(remote: RemoteInfo): string {
  return remote.family === 'IPv6' ? `[${remote.address}]:${remote.port}` : `${remote.address}:${remote.port}`;
}
