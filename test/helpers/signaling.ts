import { WebSocket } from 'ws';

import { createLogger } from '../../src/log/createLogger.js';
import { DEFAULT_SIGNALING, type SignalingConfig } from '../../src/signaling/server/SignalingConfig.js';
import { SignalingServer, type SignalingServerOptions } from '../../src/signaling/server/SignalingServer.js';

export async function startSignaling(
  overrides: Partial<SignalingConfig> = {},
  options: SignalingServerOptions = {},
): Promise<{ server: SignalingServer; url: string; http: string }> {
  const server = new SignalingServer({ ...DEFAULT_SIGNALING, port: 0, ...overrides }, createLogger('silent'), options);
  const { port } = await server.start();
  return { server, url: `ws://127.0.0.1:${port}${server.config.path}`, http: `http://127.0.0.1:${port}${server.config.path}` };
}

/** A raw PeerJS protocol client: what it received, in order, and a way to wait for more. */
export class RawPeer {
  readonly received: Record<string, any>[] = [];
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()));
      this.wake();
    });
    ws.on('close', () => {
      this.closed = true;
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  /**
   * Opens `{baseUrl}peerjs?...`; the query is percent-encoded (a space as %20), or, given as a
   * string, used as it is (the stock client writes the id unencoded).
   */
  static async connect(baseUrl: string, query: { id?: string; token?: string; key?: string } | string): Promise<RawPeer> {
    const url = new URL('peerjs', baseUrl);
    url.search =
      typeof query === 'string'
        ? query
        : Object.entries(query)
            .flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${encodeURIComponent(v)}`]))
            .join('&');
    const ws = new WebSocket(url);
    const peer = new RawPeer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return peer;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves with the first received message matching `match` (or rejects after `timeoutMs`). */
  async waitFor(match: (m: Record<string, any>) => boolean, timeoutMs = 3000): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async waitClosed(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** The `peer` package's server, in a child process (its timers never stop); kill() ends it. */
export async function startPeerPackageServer(path = '/'): Promise<{ url: string; port: number; kill: () => void }> {
  const { spawn } = await import('node:child_process');
  const { join } = await import('node:path');
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'fixtures', 'peerPackageServer.cjs'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`peer server exited with ${code}`)));
  });
  const normalized = path.endsWith('/') ? path : `${path}/`;
  return { url: `ws://127.0.0.1:${port}${normalized}`, port, kill: () => child.kill('SIGKILL') };
}
