import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createConnection, type Socket as TcpSocket } from 'node:net';
import { performance } from 'node:perf_hooks';

import { loadTestAddon, type RawSansIoTurnClient, type RawTurnEvent, type RawTurnTimings } from './native/testAddon.js';

const { sansio } = loadTestAddon();

export const nowUs = (): number => Math.round(performance.now() * 1000);

export interface TurnDriverOptions {
  server: { ip: string; port: number };
  username: string;
  credential: string;
  transport?: 'udp' | 'tcp';
  lifetimeSeconds?: number;
  timings?: RawTurnTimings;
  /** TCP only: cut each received chunk at pseudo-random points before it reaches the client. */
  splitSeed?: number;
}

/**
 * Wires a sans-IO TurnClient to a real TURN server over a real socket with real time: what the
 * client sends goes out on the socket, what the server sends comes in (over TCP optionally cut
 * into random pieces), and the client's timer runs on setTimeout. Everything that crossed the
 * wire is kept, so tests can look at the bytes themselves.
 */
export class TurnClientDriver {
  readonly client: RawSansIoTurnClient;
  readonly events: RawTurnEvent[] = [];
  readonly received: { ip: string; port: number; data: Buffer }[] = [];
  readonly toServer: Buffer[] = [];
  readonly fromServer: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private rng: number;
  /** Other clients sharing this socket (the same 5-tuple): they see every datagram too. */
  private readonly siblings: RawSansIoTurnClient[] = [];

  private constructor(
    private readonly options: TurnDriverOptions,
    readonly udp: UdpSocket | undefined,
    readonly tcp: TcpSocket | undefined,
  ) {
    this.rng = options.splitSeed ?? 1;
    this.client = this.newClient();
    udp?.on('message', (m, rinfo) => {
      if (rinfo.address !== options.server.ip || rinfo.port !== options.server.port) return;
      this.fromServer.push(m);
      const now = nowUs();
      this.client.handleDatagram(now, m);
      for (const s of this.siblings) s.handleDatagram(now, m);
      this.pump();
    });
    tcp?.on('data', (chunk: Buffer) => {
      this.fromServer.push(chunk);
      for (const piece of this.split(chunk)) this.client.handleStreamBytes(nowUs(), piece);
      this.pump();
    });
  }

  static async open(options: TurnDriverOptions): Promise<TurnClientDriver> {
    if ((options.transport ?? 'udp') === 'udp') {
      const udp = createSocket('udp4');
      await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
      return new TurnClientDriver(options, udp, undefined);
    }
    const tcp = createConnection({ host: options.server.ip, port: options.server.port });
    await once(tcp, 'connect');
    tcp.setNoDelay(true);
    return new TurnClientDriver(options, undefined, tcp);
  }

  newClient(): RawSansIoTurnClient {
    return new sansio.TurnClient({
      ip: this.options.server.ip,
      port: this.options.server.port,
      transport: this.options.transport ?? 'udp',
      username: this.options.username,
      credential: this.options.credential,
      lifetimeSeconds: this.options.lifetimeSeconds,
      timings: this.options.timings,
    });
  }

  /** Another client on this same socket, driven by `drive()` (for 5-tuple tests). */
  addSibling(client: RawSansIoTurnClient): void {
    this.siblings.push(client);
  }

  get localPort(): number {
    return this.udp ? this.udp.address().port : this.tcp!.localPort!;
  }

  start(): void {
    this.client.start(nowUs());
    this.pump();
  }

  /** Sends what the client (and its siblings) want sent, collects its output, re-arms its timer. */
  pump(): void {
    if (this.closed) return;
    for (const c of [this.client, ...this.siblings]) {
      for (const bytes of c.takeTransmits()) {
        this.toServer.push(bytes);
        if (this.udp) this.udp.send(bytes, this.options.server.port, this.options.server.ip);
        else this.tcp!.write(bytes);
      }
    }
    this.events.push(...this.client.takeEvents());
    this.received.push(...this.client.takeReceived());
    clearTimeout(this.timer);
    const deadlines = [this.client, ...this.siblings].map((c) => c.nextTimeout()).filter((t): t is number => t !== null);
    if (deadlines.length > 0) {
      const delayMs = Math.max(0, (Math.min(...deadlines) - nowUs()) / 1000);
      this.timer = setTimeout(() => {
        const now = nowUs();
        this.client.handleTimeout(now);
        for (const s of this.siblings) s.handleTimeout(now);
        this.pump();
      }, delayMs + 1);
    }
  }

  /** Polls (bounded) until `predicate` holds. */
  async waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events ${JSON.stringify(this.events)}; stats ${JSON.stringify(this.client.stats())}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async allocated(timeoutMs = 5000): Promise<Extract<RawTurnEvent, { kind: 'allocated' }>> {
    await this.waitFor('the allocation', () => this.events.some((e) => e.kind === 'allocated' || e.kind === 'failed'), timeoutMs);
    const e = this.events.find((x) => x.kind === 'allocated' || x.kind === 'failed')!;
    if (e.kind !== 'allocated') throw new Error(`allocation failed: ${JSON.stringify(e)}`);
    return e;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.udp) await new Promise<void>((resolve) => this.udp!.close(() => resolve()));
    if (this.tcp) {
      this.tcp.destroy();
      await new Promise((r) => setImmediate(r));
    }
  }

  /** A deterministic LCG cuts a chunk into 1..4 pieces at arbitrary points. */
  private split(chunk: Buffer): Buffer[] {
    if (this.options.splitSeed === undefined) return [chunk];
    const pieces: Buffer[] = [];
    let rest = chunk;
    while (rest.length > 1 && pieces.length < 3) {
      this.rng = (this.rng * 1103515245 + 12345) % 2147483648;
      const cut = 1 + (this.rng % (rest.length - 1));
      pieces.push(rest.subarray(0, cut));
      rest = rest.subarray(cut);
    }
    pieces.push(rest);
    return pieces;
  }
}

/** A plain UDP socket on loopback: the peer on the far side of the relay. */
export class UdpPeer {
  readonly received: { ip: string; port: number; data: Buffer }[] = [];

  private constructor(readonly socket: UdpSocket) {
    socket.on('message', (data, rinfo) => this.received.push({ ip: rinfo.address, port: rinfo.port, data }));
  }

  static async open(): Promise<UdpPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new UdpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(data: Buffer, to: string): void {
    const [ip, port] = to.split(':');
    this.socket.send(data, Number(port), ip);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
