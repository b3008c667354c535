// Where the gateway redirects a remote's RTP in the NAT tests: a UDP socket on 127.0.0.1 that keeps
// each packet's sequence number (extended past 16-bit wrap) and arrival time, and passes every
// datagram on to a decoder (GStreamer) so the content is checked too.
import { createSocket, type Socket } from 'node:dgram';

/** At most this many sequence numbers are kept (about 4 minutes of 320x240 video). */
const MAX_SEQUENCES = 50_000;

export class RtpArrivalTap {
  packets = 0;
  /** Where each datagram is passed on (a port on 127.0.0.1), if anywhere. */
  forwardTo: number | undefined;
  private readonly sequences = new Set<number>();
  private highest: number | undefined;
  private lastArrival: number | undefined;
  private waitingSince = performance.now();
  private maxGap = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('message', (m) => {
      if (m.length < 12 || m[0]! >> 6 !== 2) return;
      const now = performance.now();
      this.packets++;
      this.maxGap = Math.max(this.maxGap, now - this.waitingSince);
      this.waitingSince = now;
      this.lastArrival = now;
      this.record(m.readUInt16BE(2));
      if (this.forwardTo !== undefined) socket.send(m, this.forwardTo, '127.0.0.1');
    });
  }

  static async open(): Promise<RtpArrivalTap> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 22 });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new RtpArrivalTap(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Sequence numbers seen since the last reset. */
  get received(): number {
    return this.sequences.size;
  }

  /** Sequence numbers never seen between the lowest and the highest since the last reset. */
  missing(): number {
    if (this.sequences.size < 2) return 0;
    let lowest = Infinity;
    for (const s of this.sequences) lowest = Math.min(lowest, s);
    return this.highest! - lowest + 1 - this.sequences.size;
  }

  /** The longest wait for a packet since the last reset (a silence still going on included), ms. */
  maxGapMs(): number {
    return Math.max(this.maxGap, performance.now() - this.waitingSince);
  }

  /** ms since the last packet (Infinity before the first). */
  sinceLastMs(): number {
    return this.lastArrival === undefined ? Infinity : performance.now() - this.lastArrival;
  }

  /** Forgets the sequence numbers and gaps so far: what follows is measured from now. */
  reset(): void {
    this.sequences.clear();
    this.maxGap = 0;
    this.waitingSince = performance.now();
  }

  close(): void {
    this.socket.close();
  }

  /** Extends the 16-bit number by the shortest distance from the highest so far (RFC 3550 A.1). */
  private record(seq: number): void {
    let extended = seq;
    if (this.highest !== undefined) {
      const delta = ((seq - (this.highest & 0xffff) + 0x8000) & 0xffff) - 0x8000;
      extended = this.highest + delta;
    }
    if (this.highest === undefined || extended > this.highest) this.highest = extended;
    if (this.sequences.size < MAX_SEQUENCES) this.sequences.add(extended);
  }
}
