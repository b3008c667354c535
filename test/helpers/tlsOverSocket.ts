import { connect, type Socket } from 'node:net';

import { loadTestAddon, type RawTlsClientStream, type RawTlsClientStreamOptions, type RawTlsEvent } from './native/testAddon.js';
import { waitFor } from './proc.js';

export const nowUs = (): number => Math.round(performance.now() * 1000);

/** Cuts `data` into one to five pieces at random points (single bytes included). */
export function splitAtRandom(data: Buffer, random: () => number): Buffer[] {
  if (data.length < 2) return [data];
  const cuts = new Set<number>();
  const count = Math.floor(random() * 5);
  for (let i = 0; i < count; i++) cuts.add(1 + Math.floor(random() * (data.length - 1)));
  const points = [0, ...[...cuts].sort((a, b) => a - b), data.length];
  return points.slice(1).map((end, i) => data.subarray(points[i], end));
}

/**
 * The sans-IO TlsClientStream over a real TCP socket from node:net: what the socket delivers is
 * fed to the stream in pieces cut at random points, what the stream emits is written to the socket.
 */
export class TlsOverSocket {
  readonly stream: RawTlsClientStream;
  readonly socket: Socket;
  readonly events: RawTlsEvent[] = [];
  socketBytes = 0;
  socketEnded = false;
  receivedBytes = 0;
  private received: Buffer[] = [];

  constructor(options: RawTlsClientStreamOptions, port: number, private readonly random: () => number, host = '127.0.0.1') {
    this.stream = new (loadTestAddon().sansio.TlsClientStream)(options);
    this.socket = connect(port, host);
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      this.stream.start(nowUs());
      this.pump();
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.socketBytes += chunk.length;
      for (const piece of splitAtRandom(chunk, this.random)) {
        this.stream.handleCiphertext(nowUs(), piece);
        this.pump();
      }
    });
    this.socket.on('end', () => {
      this.socketEnded = true;
      this.stream.handleEndOfStream(nowUs());
      this.pump();
    });
    this.socket.on('error', () => {});
  }

  /** Moves what the stream emitted: ciphertext to the socket, plaintext and events to this object. */
  pump(): void {
    const ciphertext = this.stream.takeCiphertext();
    if (ciphertext.length > 0 && this.socket.writable) this.socket.write(ciphertext);
    const plaintext = this.stream.takePlaintext();
    if (plaintext.length > 0) {
      this.received.push(plaintext);
      this.receivedBytes += plaintext.length;
    }
    this.events.push(...this.stream.takeEvents());
  }

  /** Writes `data` as several writePlaintext calls cut at random points; returns the pieces refused and written. */
  write(data: Buffer): { refused: number; pieces: Buffer[] } {
    const pieces = splitAtRandom(data, this.random);
    let refused = 0;
    for (const piece of pieces) if (!this.stream.writePlaintext(piece)) refused++;
    this.pump();
    return { refused, pieces };
  }

  takeReceived(): Buffer {
    const all = Buffer.concat(this.received);
    this.received = [];
    return all;
  }

  async waitForEvent(kind: RawTlsEvent['kind'], timeoutMs = 5000): Promise<RawTlsEvent> {
    await waitFor(() => this.events.some((e) => e.kind === kind || e.kind === 'failed'), timeoutMs, `TLS event ${kind}`);
    const event = this.events.find((e) => e.kind === kind || e.kind === 'failed')!;
    if (event.kind !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify(event)}`);
    return event;
  }

  async waitForReceived(bytes: number, timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.receivedBytes >= bytes, timeoutMs, `${bytes} plaintext bytes`);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
