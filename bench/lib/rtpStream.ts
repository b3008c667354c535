/**
 * The media stream bench/media.ts sends: one VP8 video stream and one Opus stream, as RTP.
 * Every packet's payload starts with a stamp (a number unique in the run, and the send time) that
 * survives the gateways unchanged (they rewrite only the RTP header), so the receiver can match
 * each packet and time it. process.hrtime is CLOCK_MONOTONIC: one clock for every process on the machine.
 * Payload layout: [VP8 payload descriptor, 1 byte, video only] | stamp seq u32 | send ns u64 | filler.
 */
import { randomInt } from 'node:crypto';

import { rtpPacket } from '../../test/support/rtpPackets.js';

export const VIDEO_PT = 96;
export const AUDIO_PT = 111;
export const VIDEO_BYTES = 1200;
export const AUDIO_BYTES = 160;
/** 2 Mbit/s at 30 frames/s: 8,333 bytes a frame, 7 packets of 1,200 bytes (2.02 Mbit/s). */
export const VIDEO_PACKETS_PER_FRAME = 7;
export const VIDEO_FPS = 30;
/** Opus: one 20 ms frame per packet. */
export const AUDIO_PPS = 50;

const RTP_HEADER = 12;
const STAMP_BYTES = 12;
/** RFC 8285 one-byte header: 0xBEDE, one word of elements: [id 3, length 2] seq seq, padding. */
const TRANSPORT_CC_EXTENSION = 8;
export const TRANSPORT_CC_ID = 3;

/** The transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01) shared by a run's streams. */
export class TransportSequence {
  private value = randomInt(0x10000);
  next(): number {
    const v = this.value;
    this.value = (v + 1) & 0xffff;
    return v;
  }
}

/**
 * RTP packets of one stream, written into one reused buffer. A new stream per run, with a random
 * SSRC, first sequence number and timestamp as RFC 3550 section 5.1 asks of every new source.
 */
export class RtpStreamWriter {
  private readonly packet: Buffer;
  private seq = randomInt(0x10000);
  private timestamp = randomInt(2 ** 32 - 1);
  private readonly stampAt: number;

  constructor(
    private readonly payloadType: number,
    size: number,
    private readonly clockRate: number,
    video: boolean,
    private readonly transportSequence?: TransportSequence,
  ) {
    const extension = transportSequence ? [{ id: TRANSPORT_CC_ID, data: Buffer.alloc(2) }] : undefined;
    const payloadAt = RTP_HEADER + (transportSequence ? TRANSPORT_CC_EXTENSION : 0);
    // The template every packet of the stream is written into: next() rewrites only what changes.
    this.packet = rtpPacket({
      payloadType,
      seq: this.seq,
      timestamp: this.timestamp,
      ssrc: randomInt(1, 2 ** 32 - 1),
      extensions: extension,
      payload: Buffer.alloc(size - payloadAt, 0x5a),
    });
    // A VP8 payload descriptor (RFC 7741 section 4.2) with only the S bit: each packet starts a partition.
    if (video) this.packet[payloadAt] = 0x10;
    this.stampAt = payloadAt + (video ? 1 : 0);
  }

  /** The next packet of the current frame; `marker` on the frame's last packet. */
  next(stamp: number, marker: boolean): Buffer {
    const p = this.packet;
    p[1] = (marker ? 0x80 : 0) | this.payloadType;
    p.writeUInt16BE(this.seq, 2);
    this.seq = (this.seq + 1) & 0xffff;
    p.writeUInt32BE(this.timestamp >>> 0, 4);
    if (this.transportSequence) p.writeUInt16BE(this.transportSequence.next(), RTP_HEADER + 5);
    p.writeUInt32BE(stamp >>> 0, this.stampAt);
    return this.restamp();
  }

  /** The last packet again with the send time set to now (for a copy sent after it). */
  restamp(): Buffer {
    this.packet.writeBigUInt64BE(process.hrtime.bigint(), this.stampAt + 4);
    return this.packet;
  }

  /** Moves the RTP timestamp on by one frame of `seconds`. */
  endFrame(seconds: number): void {
    this.timestamp = (this.timestamp + Math.round(seconds * this.clockRate)) >>> 0;
  }
}

/** Where a received RTP packet's stamp is: after the header, its CSRCs and any extension. */
export function readStamp(packet: Buffer): { stamp: number; sentNs: bigint; video: boolean } | undefined {
  if (packet.length < RTP_HEADER + STAMP_BYTES + 1) return undefined;
  let offset = RTP_HEADER + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  const video = (packet[1]! & 0x7f) === VIDEO_PT;
  if (video) offset += 1;
  if (offset + STAMP_BYTES > packet.length) return undefined;
  return { stamp: packet.readUInt32BE(offset), sentNs: packet.readBigUInt64BE(offset + 4), video };
}
