import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadTestAddon } from '../../helpers/native/testAddon.js';
import { pictureLossIndication, receiverReport, rtcpPacket, rtpPacket, senderReport } from '../../support/rtpPackets.js';

const { sansio } = loadTestAddon();

/** `pt` may carry the marker bit (0x80), as the second byte of the header does. */
function rtp(pt: number, seq: number, ts: number, ssrc: number, payload = Buffer.from('frame')): Buffer {
  return rtpPacket({ payloadType: pt & 0x7f, marker: (pt & 0x80) !== 0, seq, timestamp: ts, ssrc, payload });
}
const fields = (b: Buffer) => ({ pt: b[1]! & 0x7f, seq: b.readUInt16BE(2), ts: b.readUInt32BE(4), ssrc: b.readUInt32BE(8) });

/** SDES with one chunk: the CNAME item, then null padding to a word (RFC 3550 section 6.5). */
function sdes(ssrc: number, cname: string): Buffer {
  const item = Buffer.concat([Buffer.from([1, cname.length]), Buffer.from(cname)]);
  return rtcpPacket(202, 1, ssrc, Buffer.concat([item, Buffer.alloc(4 - (item.length % 4))]));
}

describe('outbound stream rewriting (native/core/media/OutboundRtpRewriter)', () => {
  const config = { ssrc: 0xabcdef01, payloadType: 98, inputPayloadType: 96, clockRate: 90000 };

  it('gives the stream our SSRC and the negotiated payload type, keeping the first source numbering', () => {
    const r = new sansio.OutboundRtpRewriter(config);
    const out = r.rewriteRtp(rtp(96, 1000, 5000, 0x1111), 0)!;
    assert.deepEqual(fields(out), { pt: 98, seq: 1000, ts: 5000, ssrc: 0xabcdef01 });
    assert.equal(out.subarray(12).toString(), 'frame', 'the payload is untouched');
    assert.equal(fields(r.rewriteRtp(rtp(96 | 0x80, 1001, 8000, 0x1111), 33_000)!).seq, 1001);
  });

  it('continues sequence numbers and timestamps when the sender restarts with a new SSRC', () => {
    const r = new sansio.OutboundRtpRewriter(config);
    r.rewriteRtp(rtp(96, 65534, 4294960000, 0x1111), 0);
    r.rewriteRtp(rtp(96, 65535, 4294963000, 0x1111), 33_333);
    // A new sender, 0.5 s later, with numbering of its own.
    const out = fields(r.rewriteRtp(rtp(96, 17, 123, 0x2222), 533_333)!);
    assert.equal(out.seq, 0, 'one after 65535, wrapping');
    assert.equal(out.ts, (4294963000 + 45000) % 2 ** 32, 'the elapsed 0.5 s at 90 kHz after the last timestamp');
    assert.equal(fields(r.rewriteRtp(rtp(96, 18, 3123, 0x2222), 566_666)!).seq, 1);
    assert.equal(fields(r.rewriteRtp(rtp(96, 18, 3123, 0x2222), 566_666)!).ts, (4294963000 + 45000 + 3000) % 2 ** 32);
    assert.equal(r.stats().sourceRestarts, 1);
  });

  it('treats a large sequence jump with the same SSRC as a restart, but not reordering', () => {
    const r = new sansio.OutboundRtpRewriter(config);
    r.rewriteRtp(rtp(96, 100, 0, 0x1111), 0);
    assert.equal(fields(r.rewriteRtp(rtp(96, 98, 0, 0x1111), 1)!).seq, 98, 'a late packet keeps its place');
    assert.equal(fields(r.rewriteRtp(rtp(96, 40000, 0, 0x1111), 2)!).seq, 101);
    assert.equal(r.stats().sourceRestarts, 1);
  });

  it('drops and counts other payload types and what is not RTP', () => {
    const r = new sansio.OutboundRtpRewriter(config);
    assert.equal(r.rewriteRtp(rtp(97, 1, 1, 1), 0), null);
    assert.equal(r.rewriteRtp(Buffer.from('not rtp at all'), 0), null);
    assert.equal(r.rewriteRtp(Buffer.alloc(5), 0), null);
    assert.deepEqual(r.stats(), { packets: 0, malformed: 2, wrongPayloadType: 1, sourceRestarts: 0 });
    const any = new sansio.OutboundRtpRewriter({ ...config, inputPayloadType: undefined });
    assert.equal(fields(any.rewriteRtp(rtp(100, 1, 1, 1), 0)!).pt, 98, 'without an input payload type, any is accepted');
  });

  it("rewrites the user's SR and SDES to our SSRC and the stream's timestamp offset", () => {
    const r = new sansio.OutboundRtpRewriter(config);
    r.rewriteRtp(rtp(96, 10, 1000, 0x1111), 0);
    r.rewriteRtp(rtp(96, 5, 50, 0x2222), 1_000_000); // restart: timestamps move by 1000 + 90000 - 50
    const out = r.rewriteRtcp(Buffer.concat([senderReport(0x2222, 60), sdes(0x2222, 'gst')]))!;
    assert.equal(out.readUInt32BE(4), 0xabcdef01, 'SR sender');
    assert.equal(out.readUInt32BE(16), 60 + 1000 + 90000 - 50, 'SR RTP timestamp on the outgoing timeline');
    assert.equal(out.readUInt32BE(28 + 4), 0xabcdef01, 'SDES chunk');
    assert.equal(out.subarray(28 + 10, 28 + 13).toString(), 'gst', 'the CNAME is untouched');
    assert.equal(r.rewriteRtcp(Buffer.from('garbage!')), null);
  });

  it("puts the remote's feedback about our stream in the user's SSRC and sequence numbers", () => {
    const r = new sansio.OutboundRtpRewriter(config);
    const before = receiverReport(0x5555, [0xabcdef01]);
    assert.deepEqual(r.restoreRemoteRtcp(before), before, 'unchanged before the user sends');
    r.rewriteRtp(rtp(96, 10, 1000, 0x1111), 0);
    r.rewriteRtp(rtp(96, 5, 50, 0x2222), 1_000_000); // restart: sent as 11, so the offset is 6
    const rr = receiverReport(0x5555, [0xabcdef01]);
    rr.writeUInt32BE(0x0001_0011, 16); // one cycle, highest 17 as sent
    const nack = Buffer.alloc(16);
    nack[0] = 0x81; // FMT 1: generic NACK (RFC 4585 section 6.2.1)
    nack[1] = 205;
    nack.writeUInt16BE(3, 2);
    nack.writeUInt32BE(0x5555, 4);
    nack.writeUInt32BE(0xabcdef01, 8);
    nack.writeUInt16BE(12, 12);
    nack.writeUInt16BE(0b101, 14);
    const fir = Buffer.alloc(20);
    fir[0] = 0x84; // FMT 4: FIR (RFC 5104 section 4.3.1)
    fir[1] = 206;
    fir.writeUInt16BE(4, 2);
    fir.writeUInt32BE(0x5555, 4);
    fir.writeUInt32BE(0xabcdef01, 12);
    fir[16] = 7;
    const remb = Buffer.alloc(24);
    remb[0] = 0x8f; // FMT 15: REMB, one SSRC
    remb[1] = 206;
    remb.writeUInt16BE(5, 2);
    remb.writeUInt32BE(0x5555, 4);
    remb.write('REMB', 12);
    remb[16] = 1;
    remb.writeUInt32BE(0xabcdef01, 20);
    const out = r.restoreRemoteRtcp(Buffer.concat([rr, pictureLossIndication(0x5555, 0xabcdef01), nack, fir, remb, pictureLossIndication(0x5555, 0x9999)]))!;
    let at = 0;
    assert.equal(out.readUInt32BE(at + 8), 0x2222, 'report block source');
    assert.equal(out.readUInt32BE(at + 16), 0x0001_000b, "highest sequence number in the user's numbering");
    at += rr.length;
    assert.equal(out.readUInt32BE(at + 4), 0x5555, 'the sender stays the remote');
    assert.equal(out.readUInt32BE(at + 8), 0x2222, 'PLI media source');
    at += 12;
    assert.equal(out.readUInt32BE(at + 8), 0x2222, 'NACK media source');
    assert.equal(out.readUInt16BE(at + 12), 6, 'NACK packet id in the user numbering');
    assert.equal(out.readUInt16BE(at + 14), 0b101, 'NACK bitmask untouched');
    at += nack.length;
    assert.equal(out.readUInt32BE(at + 12), 0x2222, 'FIR entry');
    assert.equal(out[at + 16], 7, 'FIR sequence number untouched');
    at += fir.length;
    assert.equal(out.readUInt32BE(at + 20), 0x2222, 'REMB source list');
    at += remb.length;
    assert.equal(out.readUInt32BE(at + 8), 0x9999, 'feedback about another source is left alone');
    assert.equal(r.restoreRemoteRtcp(Buffer.from('garbage!')), null);
  });

  it('keeps the extended highest sequence number monotonic across a wrap, in SR and RR report blocks', () => {
    const r = new sansio.OutboundRtpRewriter(config);
    r.rewriteRtp(rtp(96, 10, 1000, 0x1111), 0);
    r.rewriteRtp(rtp(96, 5, 50, 0x2222), 1_000_000); // sent as 11: the user's numbers are 6 lower
    const highest = (extended: number): number => {
      // An SR (sender info, then one block from byte 28) about our stream.
      const sr = Buffer.concat([senderReport(0x5555, 0), Buffer.alloc(24)]);
      sr[0] = 0x81;
      sr.writeUInt16BE(12, 2);
      sr.writeUInt32BE(0xabcdef01, 28);
      sr.writeUInt32BE(extended >>> 0, 36);
      return r.restoreRemoteRtcp(sr)!.readUInt32BE(36);
    };
    const seen = [0x0000_fffe, 0x0000_ffff, 0x0001_0000, 0x0001_0005, 0x0001_0006].map(highest);
    assert.deepEqual(seen, [0x0000_fff8, 0x0000_fff9, 0x0000_fffa, 0x0000_ffff, 0x0001_0000]);
  });

  it('reads only what a truncated or inconsistent RTCP packet holds, and refuses what is not RTCP', () => {
    const r = new sansio.OutboundRtpRewriter(config);
    r.rewriteRtp(rtp(96, 10, 1000, 0x1111), 0);
    const lying = receiverReport(0x5555, [0xabcdef01]);
    lying[0] = 0x9f; // 31 report blocks claimed in a packet with room for one
    const restored = r.restoreRemoteRtcp(lying)!;
    assert.equal(restored.length, lying.length);
    assert.equal(restored.readUInt32BE(8), 0x1111, 'the one block that is there is restored, nothing past it is touched');
    const short = Buffer.from([0x81, 205, 0, 2, 0, 0, 0x55, 0x55, 0xab, 0xcd, 0xef, 0x01]); // a NACK with no entries
    assert.equal(r.restoreRemoteRtcp(short)!.readUInt32BE(8), 0x1111);
    assert.equal(r.restoreRemoteRtcp(Buffer.from([0x81, 201, 0, 7, 0, 0])), null, 'a length past the datagram');
  });
});

describe('inbound routing (native/core/media/InboundMediaRouter)', () => {
  const routes = [
    { payloadType: 96, media: 'video' as const, redirectPayloadType: 100 },
    { payloadType: 111, media: 'audio' as const, redirectPayloadType: 120 },
  ];

  it("tells video from audio by payload type and rewrites it to the user's", () => {
    const r = new sansio.InboundMediaRouter();
    r.setRoutes(routes);
    const v = r.routeRtp(rtp(96, 1, 1, 0xaaaa))!;
    assert.equal(v.media, 'video');
    assert.equal(fields(v.packet).pt, 100);
    const a = r.routeRtp(rtp(111 | 0x80, 1, 1, 0xbbbb))!;
    assert.equal(a.media, 'audio');
    assert.equal(a.packet[1], 0x80 | 120, 'the marker bit survives');
    assert.equal(r.routeRtp(rtp(97, 1, 1, 0xcccc)), null, 'an RTX or unknown payload type goes nowhere');
    assert.equal(r.routeRtp(Buffer.alloc(3)), null);
    assert.equal(r.remoteVideoSsrc(), 0xaaaa);
    assert.deepEqual(r.stats(), { videoRtp: 1, audioRtp: 1, videoRtcp: 0, audioRtcp: 0, unknownPayloadType: 1, malformed: 1 });
  });

  it('without routes, passes every packet unchanged as video', () => {
    const r = new sansio.InboundMediaRouter();
    const v = r.routeRtp(rtp(33, 1, 1, 1))!;
    assert.equal(v.media, 'video');
    assert.equal(fields(v.packet).pt, 33);
  });

  it('splits compound RTCP by the stream each packet is about', () => {
    const r = new sansio.InboundMediaRouter();
    r.setRoutes(routes);
    r.expectRemoteSsrc(0xaaaa, 'video');
    r.expectRemoteSsrc(0xbbbb, 'audio');
    r.setLocalSsrc('video', 0x1000);
    r.setLocalSsrc('audio', 0x2000);
    const srVideo = senderReport(0xaaaa, 1);
    const rrAudio = receiverReport(0xbbbb, [0x2000]);
    const sdesAudio = sdes(0xbbbb, 'x');
    const pliVideo = pictureLossIndication(0xaaaa, 0x1000);
    const split = r.splitRtcp(Buffer.concat([srVideo, rrAudio, sdesAudio, pliVideo]))!;
    assert.deepEqual(split.video, Buffer.concat([srVideo, pliVideo]));
    assert.deepEqual(split.audio, Buffer.concat([rrAudio, sdesAudio]));
    assert.equal(r.remoteVideoSsrc(), 0xaaaa, 'an SSRC announced in SDP is a PLI target before any packet');
    assert.equal(r.splitRtcp(Buffer.from('no rtcp here')), null);
  });

  it('sends what it cannot attribute to video, or to audio on an audio-only connection', () => {
    const video = new sansio.InboundMediaRouter();
    video.setLocalSsrc('video', 1);
    assert.ok(video.splitRtcp(receiverReport(5, [999]))!.video);
    const audioOnly = new sansio.InboundMediaRouter();
    audioOnly.setLocalSsrc('audio', 2);
    assert.ok(audioOnly.splitRtcp(receiverReport(5, [999]))!.audio);
  });
});
