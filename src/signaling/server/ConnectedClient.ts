import type { Socket } from 'node:net';

import type { WebSocket } from 'ws';

/** Sockets corked during the current turn of the event loop, uncorked together once it ends. */
const corked = new Set<Socket>();
function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/**
 * What a send did. `overflow`: the socket already holds so much unsent that this message would
 * pass the client's limit; nothing was sent, and the caller should drop the client (it stopped
 * reading).
 */
export type SendResult = 'sent' | 'closed' | 'overflow';

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
    private readonly sendBufferLimitBytes: number,
  ) {
    this.srcSuffix = Buffer.from(`,"src":${JSON.stringify(id)}}`);
  }

  /** Its socket is closing or closed, or it has been silent for more than `staleAfterMs`. */
  isGone(now: number, staleAfterMs: number): boolean {
    return this.socket.readyState !== this.socket.OPEN || now - this.lastSeen > staleAfterMs;
  }

  /**
   * Sends a JSON text. A closing or broken socket is skipped (its close handler cleans up).
   * `bounded` false skips the unsent-bytes check, for bytes the server already held and counted.
   */
  sendRaw(text: string | Buffer, bounded = true): SendResult {
    const ws = this.socket;
    if (ws.readyState !== ws.OPEN) return 'closed';
    // ws 8's bufferedAmount is what its sender queued plus the TCP socket's unwritten bytes, those
    // corked below during this turn included (not what the kernel already took).
    if (bounded && ws.bufferedAmount + Buffer.byteLength(text) > this.sendBufferLimitBytes) return 'overflow';
    // Messages to one client within one turn (a burst of trickled candidates arrives in one TCP
    // read) leave in one write instead of a system call each. `_socket` is ws's TCP socket.
    const tcp = (ws as unknown as { _socket?: Socket })._socket;
    if (tcp && !corked.has(tcp)) {
      if (corked.size === 0) queueMicrotask(uncorkAll);
      tcp.cork();
      corked.add(tcp);
    }
    ws.send(text, { binary: false });
    return 'sent';
  }

  send(message: object): SendResult {
    return this.sendRaw(JSON.stringify(message));
  }
}
