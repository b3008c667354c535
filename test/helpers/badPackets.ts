import { randomBytes, randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';

import { rtpPacket as buildRtp, senderReport, type RtpFields } from '../support/rtpPackets.js';

/**
 * Datagrams that are not what a media or RTCP port expects, by kind, each kind built so that
 * the gateway's native parsers classify every one of them the same way (the random parts never
 * accidentally form a valid packet), so tests can expect exact drop counts.
 */

/** Random bytes of 1..1200 bytes whose first two bits are not RTP/RTCP version 2. */
export function randomNonRtp(count: number): Buffer[] {
  return Array.from({ length: count }, () => {
    const b = randomBytes(randomInt(1, 1201));
    b[0] = (b[0]! & 0x3f) | ([0, 1, 3][randomInt(0, 3)]! << 6);
    return b;
  });
}

/** A well-formed RTP packet: version 2, no CSRC, no extension, no padding, `payloadBytes` random bytes. */
export function rtpPacket(o: Omit<RtpFields, 'payload'> & { payloadBytes?: number }): Buffer {
  return buildRtp({ ...o, payload: randomBytes(o.payloadBytes ?? 100) });
}

/** The first 1..11 bytes of an RTP packet: shorter than its fixed header. */
export function truncatedRtp(payloadType: number): Buffer[] {
  const whole = rtpPacket({ payloadType, ssrc: 0x1234, seq: 1, timestamp: 1 });
  return Array.from({ length: 11 }, (_, i) => Buffer.from(whole.subarray(0, i + 1)));
}

/**
 * Version-2 RTP headers that lie about their length: 15 CSRCs in a 20-byte packet, an extension
 * longer than the packet, a padding bit with a zero or too long padding count.
 */
export function inconsistentRtp(payloadType: number): Buffer[] {
  const csrc = rtpPacket({ payloadType, ssrc: 1, seq: 1, timestamp: 1, payloadBytes: 8 });
  csrc[0] = 0x80 | 15;
  const extension = rtpPacket({ payloadType, ssrc: 1, seq: 2, timestamp: 1, payloadBytes: 8 });
  extension[0] = 0x90;
  extension.writeUInt16BE(0xbede, 12);
  extension.writeUInt16BE(200, 14);
  const zeroPadding = rtpPacket({ payloadType, ssrc: 1, seq: 3, timestamp: 1, payloadBytes: 20 });
  zeroPadding[0] = 0xa0;
  zeroPadding[zeroPadding.length - 1] = 0;
  const longPadding = rtpPacket({ payloadType, ssrc: 1, seq: 4, timestamp: 1, payloadBytes: 20 });
  longPadding[0] = 0xa0;
  longPadding[longPadding.length - 1] = 200;
  return [csrc, extension, zeroPadding, longPadding];
}

/** Well-formed RTP with a payload type other than `not` (and never one that reads as RTCP). */
export function rtpWithWrongPayloadType(count: number, not: number): Buffer[] {
  const types = [0, 8, 9, 97, 98, 100, 102, 111, 127].filter((pt) => pt !== not);
  return Array.from({ length: count }, (_, i) =>
    rtpPacket({ payloadType: types[i % types.length]!, ssrc: 0x0badc0de, seq: i, timestamp: i * 3000, payloadBytes: randomInt(10, 1000) }),
  );
}

/** Version-2 packets whose second byte is an RTCP type (200..204): RTCP sent to an RTP port. */
export function rtcpIntoRtpPort(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const b = senderReport(0x5eed0000 + i);
    b[1] = 200 + (i % 5);
    return b;
  });
}

/** The first 1..27 bytes of a sender report: a header that claims more than the datagram holds. */
export function truncatedRtcp(): Buffer[] {
  const whole = senderReport(0x1234);
  return Array.from({ length: 27 }, (_, i) => Buffer.from(whole.subarray(0, i + 1)));
}

/** Version-2 "RTCP" whose packet type is not one (an RTP payload type) in an otherwise consistent header. */
export function rtcpWithRtpTypes(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const b = senderReport(i);
    b[1] = 96 + (i % 32);
    return b;
  });
}

/** Datagrams larger than a native port takes (4096 bytes). */
export function oversize(count: number, size = 5000): Buffer[] {
  return Array.from({ length: count }, () => randomBytes(size));
}

/**
 * Sends `datagrams` to 127.0.0.1:port in batches of `batch` every `intervalMs`, from one socket;
 * resolves with when it started and ended. Bounded: as many datagrams as given, no more.
 */
export async function pacedSend(port: number, datagrams: Buffer[], o: { batch: number; intervalMs: number }): Promise<{ start: number; end: number }> {
  const socket = createSocket('udp4');
  const start = Date.now();
  try {
    for (let i = 0; i < datagrams.length; i += o.batch) {
      await Promise.all(
        datagrams
          .slice(i, i + o.batch)
          .map((d) => new Promise<void>((resolve, reject) => socket.send(d, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())))),
      );
      await new Promise((r) => setTimeout(r, o.intervalMs));
    }
  } finally {
    socket.close();
  }
  return { start, end: Date.now() };
}

/** Shuffles in place (Fisher-Yates) and returns the array: kinds of bad input arrive interleaved. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
