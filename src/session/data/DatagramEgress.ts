import { createSocket, type Socket } from 'node:dgram';

import type { RedirectTarget } from './RedirectTarget.js';

/**
 * Sockets that send redirected datagrams for connections that have no data port of the right
 * address family to send from (an incoming connection before any feed is set, say). One per
 * family, created on first use, bound by the kernel to an ephemeral port.
 */
export class DatagramEgress {
  private readonly sockets = new Map<4 | 6, Socket>();
  private closed = false;

  send(datagram: Buffer, target: RedirectTarget, done: (error: Error | null) => void): void {
    if (this.closed) {
      done(new Error('the gateway is stopping'));
      return;
    }
    this.socket(target.family).send(datagram, target.port, target.address, done);
  }

  close(): void {
    this.closed = true;
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
  }

  private socket(family: 4 | 6): Socket {
    let socket = this.sockets.get(family);
    if (!socket) {
      const created = createSocket(family === 4 ? 'udp4' : 'udp6');
      // Send errors reach each send's callback; this keeps an unexpected one from being fatal.
      created.on('error', () => {});
      // Whether a broadcast address may be a target is the redirect policy's call, not the
      // socket's. Bound at once so the option is set before the first send leaves (Node queues
      // sends until the bind completes, behind this callback).
      created.bind({ port: 0, exclusive: true }, () => {
        try {
          created.setBroadcast(true);
        } catch {
          // Closed meanwhile, or refused: broadcast sends then fail (EACCES) and are counted.
        }
      });
      socket = created;
      this.sockets.set(family, socket);
    }
    return socket;
  }
}
