import type { Socket } from 'node:net';

import type { WebSocket } from 'ws';

/** Sockets corked during the current turn of the event loop, uncorked together once it ends. */
const corked = new Set<Socket>();
function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/** One peer registered with the signaling server. Its socket changes when it re-attaches. */
export class ConnectedClient {
  lastSeen = Date.now();
  /** Unix seconds when its credential runs out (auth enabled only). */
  expiresAt: number | undefined;
  expiryTimer: NodeJS.Timeout | undefined;

  /** `,"src":"<id>"}`: what relayed messages from this client end with. */
  readonly srcSuffix: Buffer;

  constructor(
    readonly id: string,
    public token: string,
    public socket: WebSocket,
  ) {
    this.srcSuffix = Buffer.from(`,"src":${JSON.stringify(id)}}`);
  }

  /** Sends a JSON text; a closing or broken socket is skipped (its close handler cleans up). */
  sendRaw(text: string | Buffer): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    // Messages to one client within one turn (a burst of trickled candidates arrives in one TCP
    // read) leave in one write instead of a system call each. `_socket` is ws's TCP socket.
    const tcp = (this.socket as unknown as { _socket?: Socket })._socket;
    if (tcp && !corked.has(tcp)) {
      if (corked.size === 0) queueMicrotask(uncorkAll);
      tcp.cork();
      corked.add(tcp);
    }
    this.socket.send(text, { binary: false });
    return true;
  }

  send(message: object): boolean {
    return this.sendRaw(JSON.stringify(message));
  }
}
