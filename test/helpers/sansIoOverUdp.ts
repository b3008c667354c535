import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';

import type { RawTransportOptions } from '../../src/native/addon.js';
import { loadTestAddon, type RawDataChannelEvent, type RawSansIoTransport } from './native/testAddon.js';
import { bindUdp } from './udp.js';

/**
 * A sans-IO transport on a real loopback UDP socket: datagrams both ways and the real monotonic
 * time (DTLS retransmissions follow OpenSSL's wall clock), driven from a short interval. Tests only.
 */
export class SansIoOverUdp {
  readonly dataEvents: RawDataChannelEvent[] = [];
  readonly transportEvents: { kind: string; text: string }[] = [];
  /** Loss on the way out: every datagram for which this says true is not sent (counted in `dropped`). */
  dropOutgoing: ((index: number) => boolean) | undefined;
  dropped = 0;
  private sentIndex = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly transport: RawSansIoTransport,
    readonly socket: Socket,
  ) {
    socket.on('message', (m, from) => {
      this.transport.handleDatagram(SansIoOverUdp.nowUs(), 0, from.address, from.port, m);
      this.flush();
    });
    this.timer = setInterval(() => this.tick(), 2);
  }

  static nowUs(): number {
    return Math.round(performance.now() * 1000);
  }

  static async open(options: Omit<RawTransportOptions, 'role'> & { role: RawTransportOptions['role'] }): Promise<SansIoOverUdp> {
    const socket = await bindUdp();
    const { Transport } = loadTestAddon().sansio;
    const transport = new Transport({ ...options, localAddresses: [{ ip: '127.0.0.1', port: socket.address().port }] });
    const driver = new SansIoOverUdp(transport, socket);
    transport.start(SansIoOverUdp.nowUs());
    driver.flush();
    return driver;
  }

  /** Runs due timers, then sends what the transport queued and keeps what it reported. */
  tick(): void {
    const now = SansIoOverUdp.nowUs();
    const due = this.transport.nextTimeout();
    if (due !== null && due <= now) this.transport.handleTimeout(now);
    this.flush();
  }

  flush(): void {
    for (const t of this.transport.takeTransmits()) {
      if (this.dropOutgoing?.(this.sentIndex++)) this.dropped++;
      else this.socket.send(t.data, t.port, t.ip);
    }
    for (const e of this.transport.takeEvents()) this.transportEvents.push({ kind: e.kind, text: e.text });
    this.dataEvents.push(...this.transport.takeDataEvents());
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.transport.close();
    this.flush();
    this.socket.close();
  }
}
