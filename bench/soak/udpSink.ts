/** A loopback UDP socket of the benchmark that counts what arrives and can wait for it. */
import { createSocket, type Socket } from 'node:dgram';

export class UdpSink {
  private socket: Socket | undefined;
  private readonly received: Buffer[] = [];
  private waiter: (() => void) | undefined;

  async open(): Promise<number> {
    const socket = createSocket('udp4');
    socket.on('message', (message) => {
      this.received.push(message);
      this.waiter?.();
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    this.socket = socket;
    return socket.address().port;
  }

  /** Forgets what arrived so far. */
  reset(): void {
    this.received.length = 0;
  }

  /** What arrived since the last reset, once `count` datagrams did or `timeoutMs` has passed. */
  async waitFor(count: number, timeoutMs: number): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiter = () => (clearTimeout(timer), resolve());
      });
      this.waiter = undefined;
    }
    return [...this.received];
  }

  send(data: Buffer, port: number): void {
    this.socket!.send(data, port, '127.0.0.1');
  }

  close(): void {
    this.socket?.close();
  }
}
