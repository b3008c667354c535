/**
 * RTP and RTCP packets as a sender on the wire would write them, for tests and benches: built
 * byte by byte from the RFCs, nothing of the gateway's own code involved.
 */

export interface RtpFields {
  payloadType: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  payload?: Buffer;
  csrcs?: readonly number[];
  /** RFC 8285 section 4.2 one-byte header extension elements (ids 1-14, 1-16 bytes of data). */
  extensions?: readonly { id: number; data: Buffer }[];
  /** Bytes of padding (RFC 3550 section 5.1: the last one holds the count); 0 or absent: none. */
  padding?: number;
}

/** An RTP packet (RFC 3550 section 5.1): version 2, with the CSRCs, extension and padding asked for. */
export function rtpPacket(f: RtpFields): Buffer {
  const csrcs = f.csrcs ?? [];
  let extension = Buffer.alloc(0);
  if (f.extensions) {
    const elements = Buffer.concat(f.extensions.map((e) => Buffer.concat([Buffer.from([(e.id << 4) | (e.data.length - 1)]), e.data])));
    const words = Math.ceil(elements.length / 4);
    extension = Buffer.alloc(4 + 4 * words);
    extension.writeUInt16BE(0xbede, 0);
    extension.writeUInt16BE(words, 2);
    elements.copy(extension, 4);
  }
  const padding = Buffer.alloc(f.padding ?? 0);
  if (padding.length > 0) padding[padding.length - 1] = padding.length;
  const header = Buffer.alloc(12 + 4 * csrcs.length);
  header[0] = 0x80 | (padding.length > 0 ? 0x20 : 0) | (f.extensions ? 0x10 : 0) | csrcs.length;
  header[1] = (f.marker ? 0x80 : 0) | (f.payloadType & 0x7f);
  header.writeUInt16BE(f.seq & 0xffff, 2);
  header.writeUInt32BE(f.timestamp >>> 0, 4);
  header.writeUInt32BE(f.ssrc >>> 0, 8);
  csrcs.forEach((c, i) => header.writeUInt32BE(c >>> 0, 12 + 4 * i));
  return Buffer.concat([header, extension, f.payload ?? Buffer.alloc(0), padding]);
}

/**
 * One RTCP packet (RFC 3550 section 6.4): the common header (version 2, `count` as RC/SC/FMT,
 * length in words minus one), the sender's SSRC, then `body` (a whole number of words).
 */
export function rtcpPacket(packetType: number, count: number, senderSsrc: number, body: Buffer = Buffer.alloc(0)): Buffer {
  if (body.length % 4 !== 0) throw new Error(`an RTCP body is whole 32-bit words, not ${body.length} bytes`);
  const header = Buffer.alloc(8);
  header[0] = 0x80 | (count & 0x1f);
  header[1] = packetType;
  header.writeUInt16BE((8 + body.length) / 4 - 1, 2);
  header.writeUInt32BE(senderSsrc >>> 0, 4);
  return Buffer.concat([header, body]);
}

/** An SR without report blocks (RFC 3550 section 6.4.1), with a fixed NTP time and counts. */
export function senderReport(ssrc: number, rtpTimestamp = 0): Buffer {
  const info = Buffer.alloc(20);
  info.writeUInt32BE(0x83aa7e80, 0);
  info.writeUInt32BE(rtpTimestamp >>> 0, 8);
  info.writeUInt32BE(10, 12);
  info.writeUInt32BE(1000, 16);
  return rtcpPacket(200, 0, ssrc, info);
}

/** An RR (RFC 3550 section 6.4.2) with one zeroed report block per source in `about`. */
export function receiverReport(ssrc: number, about: readonly number[] = []): Buffer {
  const blocks = Buffer.alloc(24 * about.length);
  about.forEach((source, i) => blocks.writeUInt32BE(source >>> 0, 24 * i));
  return rtcpPacket(201, about.length, ssrc, blocks);
}

/** A Picture Loss Indication (RFC 4585 section 6.3.1): PSFB, FMT 1, about `mediaSsrc`. */
export function pictureLossIndication(senderSsrc: number, mediaSsrc: number): Buffer {
  const media = Buffer.alloc(4);
  media.writeUInt32BE(mediaSsrc >>> 0, 0);
  return rtcpPacket(206, 1, senderSsrc, media);
}
