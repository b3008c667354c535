import { createSocket, type Socket } from 'node:dgram';

/** One RTCP packet of a compound datagram (RFC 3550 section 6.1), with the fields tests look at. */
export interface RtcpPacket {
  /** 200 SR, 201 RR, 202 SDES, 203 BYE, 204 APP, 205 RTPFB, 206 PSFB. */
  type: number;
  /** The 5-bit count field: reports for SR/RR, sources for SDES/BYE, FMT for feedback. */
  count: number;
  senderSsrc: number;
  /** Feedback (205/206): the media source it is about. */
  mediaSsrc?: number;
  /** SR/RR: the sources their report blocks are about. */
  reportedSsrcs?: number[];
  /** SR: the RTP timestamp and the sender's packet count. */
  rtpTimestamp?: number;
  packetCount?: number;
  size: number;
}

/** Splits a compound RTCP datagram; undefined when it is not well-formed RTCP. */
export function parseRtcp(datagram: Buffer): RtcpPacket[] | undefined {
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset < datagram.length) {
    if (datagram.length - offset < 8 || datagram[offset]! >> 6 !== 2) return undefined;
    const count = datagram[offset]! & 0x1f;
    const type = datagram[offset + 1]!;
    const size = 4 * (datagram.readUInt16BE(offset + 2) + 1);
    if (type < 192 || type > 223 || offset + size > datagram.length) return undefined;
    const p = datagram.subarray(offset, offset + size);
    const packet: RtcpPacket = { type, count, senderSsrc: p.readUInt32BE(4), size };
    if (type === 200 && size >= 28) {
      packet.rtpTimestamp = p.readUInt32BE(16);
      packet.packetCount = p.readUInt32BE(20);
    }
    if (type === 200 || type === 201) {
      const first = type === 200 ? 28 : 8;
      packet.reportedSsrcs = [];
      for (let i = 0; i < count && first + 24 * (i + 1) <= size; i++) packet.reportedSsrcs.push(p.readUInt32BE(first + 24 * i));
    }
    if ((type === 205 || type === 206) && size >= 12) packet.mediaSsrc = p.readUInt32BE(8);
    packets.push(packet);
    offset += size;
  }
  return packets.length > 0 ? packets : undefined;
}

/** "SR", "RR", "SDES", "BYE", "APP", "NACK", "TWCC", "PLI", "FIR", "REMB", or the numbers. */
export function rtcpName(p: RtcpPacket): string {
  const simple: Record<number, string> = { 200: 'SR', 201: 'RR', 202: 'SDES', 203: 'BYE', 204: 'APP', 207: 'XR' };
  if (simple[p.type]) return simple[p.type]!;
  if (p.type === 205) return p.count === 1 ? 'NACK' : p.count === 15 ? 'TWCC' : `RTPFB${p.count}`;
  if (p.type === 206) return p.count === 1 ? 'PLI' : p.count === 4 ? 'FIR' : p.count === 15 ? 'REMB' : `PSFB${p.count}`;
  return String(p.type);
}

/**
 * A UDP socket on 127.0.0.1 that takes RTCP datagrams (a redirect_params.*_rtcp address, or the
 * user's side of an RTCP port), keeps what it parsed (bounded), and can pass every datagram on to
 * another local port.
 */
export class RtcpTap {
  readonly packets: (RtcpPacket & { at: number })[] = [];
  /** Datagrams received, with when they came. */
  readonly arrivals: number[] = [];
  malformed = 0;
  forwardTo: number | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('message', (m) => {
      if (this.arrivals.length < 10000) this.arrivals.push(Date.now());
      const parsed = parseRtcp(m);
      if (!parsed) this.malformed++;
      else if (this.packets.length < 10000) this.packets.push(...parsed.map((p) => ({ ...p, at: Date.now() })));
      if (this.forwardTo) socket.send(m, this.forwardTo, '127.0.0.1');
    });
  }

  static async open(): Promise<RtcpTap> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new RtcpTap(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  get datagrams(): number {
    return this.arrivals.length;
  }

  /** Packets of one kind by rtcpName ("SR", "PLI", …). */
  of(name: string): (RtcpPacket & { at: number })[] {
    return this.packets.filter((p) => rtcpName(p) === name);
  }

  names(): string[] {
    return [...new Set(this.packets.map(rtcpName))].sort();
  }

  close(): void {
    this.socket.close();
  }
}
