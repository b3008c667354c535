import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadTestAddon } from '../../helpers/native/testAddon.js';

const { sansio } = loadTestAddon();
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Generic NACK FCI (RFC 4585 section 6.2.1), decoded independently of the native code. */
function decodeNack(p: Buffer): { senderSsrc: number; mediaSsrc: number; sequences: number[] } {
  assert.equal(p[0]! >> 6, 2, 'version');
  assert.equal(p[0]! & 0x1f, 1, 'FMT 1');
  assert.equal(p[1], 205, 'RTPFB');
  assert.equal(4 * (p.readUInt16BE(2) + 1), p.length, 'length field');
  const sequences: number[] = [];
  for (let o = 12; o + 4 <= p.length; o += 4) {
    const pid = p.readUInt16BE(o);
    const blp = p.readUInt16BE(o + 2);
    sequences.push(pid);
    for (let bit = 0; bit < 16; bit++) if (blp & (1 << bit)) sequences.push((pid + bit + 1) & 0xffff);
  }
  return { senderSsrc: p.readUInt32BE(4), mediaSsrc: p.readUInt32BE(8), sequences };
}

/** REMB (draft-alvestrand-rmcat-remb-03 section 2.2), decoded independently. */
function decodeRemb(p: Buffer): { senderSsrc: number; exponent: number; mantissa: number; bitrate: number; ssrcs: number[] } {
  assert.equal(p[0], 0x8f, 'V=2, FMT 15');
  assert.equal(p[1], 206, 'PSFB');
  assert.equal(4 * (p.readUInt16BE(2) + 1), p.length, 'length field');
  assert.equal(p.readUInt32BE(8), 0, 'media source SSRC is 0');
  assert.equal(p.toString('latin1', 12, 16), 'REMB');
  const count = p[16]!;
  const exponent = p[17]! >> 2;
  const mantissa = ((p[17]! & 3) << 16) | p.readUInt16BE(18);
  const ssrcs: number[] = [];
  for (let i = 0; i < count; i++) ssrcs.push(p.readUInt32BE(20 + 4 * i));
  return { senderSsrc: p.readUInt32BE(4), exponent, mantissa, bitrate: mantissa * 2 ** exponent, ssrcs };
}

describe('RTCP writers (RFC 3550 section 6.4, 6.5; RFC 4585 section 6.2.1; REMB)', () => {
  const block = {
    ssrc: 0xaabbccdd,
    fractionLost: 0x40,
    cumulativeLost: -3,
    extendedHighestSequence: 0x00010005,
    jitter: 17,
    lastSenderReport: 0x12345678,
    delaySinceLastSenderReport: 0x00018000,
  };

  it('writes a sender report with one report block', () => {
    const sr = sansio.rtcpWriteSenderReport(
      0x11223344,
      { ntpTimestamp: 0x0102030405060708n, rtpTimestamp: 0x0a0b0c0d, packetCount: 5, octetCount: 1000 },
      [block],
    );
    assert.deepEqual(
      sr,
      hex('81c8000c 11223344 01020304 05060708 0a0b0c0d 00000005 000003e8  aabbccdd 40fffffd 00010005 00000011 12345678 00018000'),
    );
    assert.deepEqual(sansio.rtcpParse(sr!)?.map((p) => [p.type, p.count, p.size]), [[200, 1, 52]]);
    assert.deepEqual(sansio.rtcpReadReportBlock(sr!.subarray(28)), block);
  });

  it('writes receiver reports, empty and with blocks, clamping the 24-bit cumulative loss', () => {
    assert.deepEqual(sansio.rtcpWriteReceiverReport(0x11223344, []), hex('80c90001 11223344'));
    const rr = sansio.rtcpWriteReceiverReport(0x01020304, [
      { ssrc: 1, cumulativeLost: 0x1000000 },
      { ssrc: 2, cumulativeLost: -0x900000 },
      { ssrc: 3, cumulativeLost: 0x7fffff },
    ])!;
    assert.equal(rr.length, 8 + 3 * 24);
    assert.equal(rr[0], 0x83, 'RC=3');
    assert.equal(rr.readUInt16BE(2), (8 + 72) / 4 - 1);
    assert.equal(rr.readUInt32BE(8 + 4) & 0xffffff, 0x7fffff, 'clamped positive');
    assert.equal(rr.readUInt32BE(32 + 4) & 0xffffff, 0x800000, 'clamped negative');
    assert.deepEqual(
      [8, 32, 56].map((o) => sansio.rtcpReadReportBlock(rr.subarray(o))?.cumulativeLost),
      [0x7fffff, -0x800000, 0x7fffff],
    );
    assert.equal(sansio.rtcpReadReportBlock(rr.subarray(0, 23)), null, 'too short');
  });

  it('refuses more than 31 report blocks and what does not fit the capacity', () => {
    const blocks = Array.from({ length: 32 }, (_, i) => ({ ssrc: i }));
    assert.equal(sansio.rtcpWriteReceiverReport(1, blocks, 4096), null);
    assert.equal(sansio.rtcpWriteReceiverReport(1, blocks.slice(0, 31), 4096)?.length, 8 + 31 * 24);
    assert.equal(sansio.rtcpWriteReceiverReport(1, [block], 31), null);
    assert.equal(sansio.rtcpWriteReceiverReport(1, [block], 32)?.length, 32);
    assert.equal(sansio.rtcpWriteSenderReport(1, { ntpTimestamp: 0n }, [], 27), null);
  });

  it('writes SDES CNAME chunks ending with a null octet, padded to 32 bits', () => {
    assert.deepEqual(sansio.rtcpWriteSdesCname(0x11223344, 'abcd'), hex('81ca0003 11223344 0104 61626364 0000'));
    assert.deepEqual(sansio.rtcpWriteSdesCname(0x11223344, 'abcde'), hex('81ca0003 11223344 0105 6162636465 00'));
    // Six characters end the chunk on a word boundary, so the terminating null needs a new word.
    assert.deepEqual(sansio.rtcpWriteSdesCname(0x11223344, 'abcdef'), hex('81ca0004 11223344 0106 616263646566 00000000'));
    assert.deepEqual(sansio.rtcpWriteSdesCname(7, ''), hex('81ca0002 00000007 0100 0000'));
    assert.equal(sansio.rtcpWriteSdesCname(7, 'x'.repeat(256), 4096), null, 'longer than 255');
    assert.equal(sansio.rtcpWriteSdesCname(7, 'x'.repeat(255), 4096)?.length, 4 + 264);
    assert.equal(sansio.rtcpWriteSdesCname(7, 'abcd', 15), null);
  });

  it('packs 17 NACKed sequence numbers across a wrap into PID+BLP entries', () => {
    const seqs = [65530, 65531, 65533, 65535, 0, 5, 10, 11, 30, 31, 32, 46, 47, 48, 100, 101, 117];
    const nack = sansio.rtcpWriteGenericNack(0x11223344, 0x55667788, seqs)!;
    // PID 65530: +1 +3 +5 +6 (0) +11 (5) +16 (10) -> bits 0,2,4,5,10,15 = 0x8435; 11 alone; 30: +1 +2 +16;
    // 47: +1; 100: +1; 117 alone.
    assert.deepEqual(
      nack,
      hex('81cd0008 11223344 55667788  fffa8435 000b0000 001e8003 002f0001 00640001 00750000'),
    );
    assert.deepEqual(decodeNack(nack), { senderSsrc: 0x11223344, mediaSsrc: 0x55667788, sequences: seqs });
    assert.deepEqual(sansio.rtcpNackedSequences(nack.subarray(12)), seqs);
    assert.equal(sansio.rtcpWriteGenericNack(1, 2, seqs, 35), null, 'one byte short');
    assert.equal(sansio.rtcpWriteGenericNack(1, 2, seqs, 36)?.length, 36);
  });

  it('skips duplicate numbers and refuses an empty NACK', () => {
    assert.deepEqual(sansio.rtcpWriteGenericNack(1, 2, [7, 7, 8, 8, 23]), hex('81cd0003 00000001 00000002 00078001'));
    assert.equal(sansio.rtcpWriteGenericNack(1, 2, []), null);
  });

  it('writes a REMB of 2.5 Mbit/s as mantissa 156250 and exponent 4', () => {
    const remb = sansio.rtcpWriteRemb(0x11223344, 2_500_000, [0x01020304, 0x05060708])!;
    assert.deepEqual(remb, hex('8fce0006 11223344 00000000 52454d42 02 12625a 01020304 05060708'));
    assert.deepEqual(decodeRemb(remb), {
      senderSsrc: 0x11223344,
      exponent: 4,
      mantissa: 156250,
      bitrate: 2_500_000,
      ssrcs: [0x01020304, 0x05060708],
    });
  });

  it('rounds REMB bitrates down to 18 bits of precision', () => {
    for (const bitrate of [0, 1000, 262143, 262144, 10_000_000_000, 2 ** 52 + 12345]) {
      const r = decodeRemb(sansio.rtcpWriteRemb(1, bitrate, [2])!);
      assert.ok(r.mantissa < 2 ** 18, `mantissa of ${bitrate}`);
      assert.ok(r.bitrate <= bitrate && bitrate - r.bitrate < 2 ** r.exponent, `${bitrate} -> ${r.bitrate}`);
      if (r.exponent > 0) assert.ok(r.mantissa >= 2 ** 17, 'the smallest exponent is used');
    }
    assert.equal(sansio.rtcpWriteRemb(1, 1000, [1, 2], 27), null);
  });
});

describe('NTP helpers (RFC 3550 section 4, 6.4.1)', () => {
  it('converts Unix microseconds to NTP and takes the middle 32 bits', () => {
    assert.equal(sansio.ntpFromUnixMicros(0), 2208988800n << 32n);
    assert.equal(sansio.ntpFromUnixMicros(1_500_000), (2208988801n << 32n) | 0x80000000n);
    assert.equal(sansio.ntpFromUnixMicros(-500_000), (2208988799n << 32n) | 0x80000000n);
  });

  it('converts between microseconds and 1/65536 s', () => {
    assert.equal(sansio.microsToQ16(1_000_000), 65536);
    assert.equal(sansio.microsToQ16(500), 33);
    assert.equal(sansio.microsToQ16(-5), 0);
    assert.equal(sansio.microsToQ16(1e14), 0xffffffff, 'saturates');
    assert.equal(sansio.q16ToMicros(65536), 1_000_000);
    assert.equal(sansio.q16ToMicros(1), 15);
  });

  it('computes A - LSR - DLSR', () => {
    assert.equal(sansio.rtcpRoundTripMicros(0x00050000, 0x00040000, 0x00008000), 500_000);
    assert.equal(sansio.rtcpRoundTripMicros(0x00000100, 0xffff0000, 0x00000100), 1_000_000, 'across the wrap');
    assert.equal(sansio.rtcpRoundTripMicros(0x00050000, 0, 0), -1, 'no SR seen');
    assert.equal(sansio.rtcpRoundTripMicros(0x00040000, 0x00040000, 0x00008000), -1, 'negative');
  });
});

describe('receive statistics (RFC 3550 appendix A.1, A.3, A.8)', () => {
  const clockRate = 90000;

  /** A.8 in floating point, as the RFC first states it, to check the native integer form against. */
  function referenceJitter(packets: { ts: number; arrivalUs: number }[]): number {
    let jitter = 0;
    let previous: number | undefined;
    for (const p of packets) {
      const transit = (p.arrivalUs * clockRate) / 1e6 - p.ts;
      if (previous !== undefined) jitter += (Math.abs(transit - previous) - jitter) / 16;
      previous = transit;
    }
    return jitter;
  }

  it('reports zero jitter for a perfectly paced stream', () => {
    const s = new sansio.ReceiveStatistics(1, clockRate);
    for (let i = 0; i < 100; i++) s.onPacket(i, 1000 + i * 1800, 5_000_000 + i * 20_000, 1200);
    assert.equal(s.stats().jitter, 0);
    assert.equal(s.makeReportBlock(7_000_000).jitter, 0);
  });

  it('converges to a known jitter: every other packet 1 ms late is |D| = 90 units at 90 kHz', () => {
    const s = new sansio.ReceiveStatistics(1, clockRate);
    const packets = Array.from({ length: 400 }, (_, i) => ({ ts: i * 1800, arrivalUs: 1_000_000 + i * 20_000 + (i % 2) * 1000 }));
    packets.forEach((p, i) => s.onPacket(i, p.ts, p.arrivalUs, 100));
    const st = s.stats();
    assert.ok(st.jitter === 89 || st.jitter === 90, `jitter ${st.jitter}`);
    assert.ok(Math.abs(st.jitterSeconds - 0.001) < 0.00002, `jitterSeconds ${st.jitterSeconds}`);
    // The first packet is on probation (A.1): the estimator starts at the second.
    assert.ok(Math.abs(st.jitter - referenceJitter(packets.slice(1))) <= 1);
  });

  it('matches the floating-point A.8 on an irregular stream, and ignores retransmissions for jitter', () => {
    const s = new sansio.ReceiveStatistics(1, clockRate);
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const packets = Array.from({ length: 300 }, (_, i) => ({ ts: 0xfffff000 + i * 3000, arrivalUs: 2_000_000 + i * 33_333 + Math.floor(random() * 8000) }));
    packets.forEach((p, i) => {
      s.onPacket(i, p.ts >>> 0, p.arrivalUs, 1000);
      if (i % 50 === 10) s.onPacket(i - 5, 12345, p.arrivalUs + 400_000, 1000, true);
    });
    const reference = referenceJitter(packets.slice(1).map((p) => ({ ts: p.ts, arrivalUs: p.arrivalUs })));
    const st = s.stats();
    assert.ok(Math.abs(st.jitter - reference) <= 2, `native ${st.jitter} vs reference ${reference}`);
    assert.equal(st.packets, 299 + 6, 'retransmissions count as packets');
    assert.equal(st.bytes, (299 + 6) * 1000);
  });

  it('computes fraction lost over each interval and cumulative loss (A.3)', () => {
    const s = new sansio.ReceiveStatistics(0xabc, clockRate);
    let t = 0;
    const send = (seq: number): void => s.onPacket(seq, seq * 3000, (t += 33_000), 500);
    for (let seq = 1; seq <= 10; seq++) send(seq);
    // The first packet only ends probation: the sequence starts (base_seq) at the second.
    let b = s.makeReportBlock(t);
    assert.deepEqual([b.ssrc, b.fractionLost, b.cumulativeLost, b.extendedHighestSequence], [0xabc, 0, 0, 10]);
    for (let seq = 11; seq <= 20; seq++) if (seq !== 13 && seq !== 14 && seq !== 17) send(seq);
    b = s.makeReportBlock(t);
    assert.equal(b.fractionLost, Math.floor((3 * 256) / 10), '3 of 10 lost');
    assert.equal(b.cumulativeLost, 3);
    assert.equal(b.extendedHighestSequence, 20);
    for (let seq = 21; seq <= 30; seq++) send(seq);
    b = s.makeReportBlock(t);
    assert.deepEqual([b.fractionLost, b.cumulativeLost], [0, 3]);
    send(13); // late
    b = s.makeReportBlock(t);
    assert.deepEqual([b.fractionLost, b.cumulativeLost, b.extendedHighestSequence], [0, 2, 30]);
    assert.equal(s.stats().cumulativeLost, 2);
  });

  it('goes negative with duplicates, extends across a wrap, and follows a restarted source', () => {
    const dup = new sansio.ReceiveStatistics(1, clockRate);
    for (const seq of [1, 2, 3, 3, 3]) dup.onPacket(seq, 0, 0, 10);
    assert.equal(dup.stats().cumulativeLost, -2);
    assert.equal(dup.makeReportBlock(0).cumulativeLost, -2);

    const wrap = new sansio.ReceiveStatistics(1, clockRate);
    for (const seq of [65533, 65534, 65535, 0, 1]) wrap.onPacket(seq, 0, 0, 10);
    assert.equal(wrap.stats().extendedHighestSequence, 65536 + 1);
    assert.equal(wrap.stats().cumulativeLost, 0);

    const restart = new sansio.ReceiveStatistics(1, clockRate);
    for (let seq = 100; seq < 110; seq++) restart.onPacket(seq, seq * 10, seq * 1000, 10);
    restart.onPacket(40000, 0, 200_000, 10); // a stray: not counted
    assert.equal(restart.stats().packets, 9);
    restart.onPacket(40001, 10, 210_000, 10); // follows it: the source restarted
    assert.equal(restart.stats().restarts, 1);
    assert.equal(restart.stats().extendedHighestSequence, 40001);
    assert.equal(restart.stats().cumulativeLost, 0);
  });

  it('keeps LSR and reports DLSR in 1/65536 s', () => {
    const s = new sansio.ReceiveStatistics(1, clockRate);
    s.onPacket(1, 0, 0, 10);
    s.onPacket(2, 0, 0, 10);
    let b = s.makeReportBlock(1_000_000);
    assert.deepEqual([b.lastSenderReport, b.delaySinceLastSenderReport], [0, 0], 'no SR yet');
    const ntp = 0xe83aa7e1_80004000n;
    s.onSenderReport(ntp, 3_000_000);
    b = s.makeReportBlock(3_250_000);
    assert.equal(b.lastSenderReport, 0xa7e18000, 'middle 32 bits');
    assert.equal(b.delaySinceLastSenderReport, 16384, '0.25 s');
    // The SR's sender gets the block back 0.4 s after its SR: RTT = 0.4 s - 0.25 s.
    const arrival = (0xa7e18000 + 0.4 * 65536) >>> 0;
    assert.ok(Math.abs(sansio.rtcpRoundTripMicros(arrival, b.lastSenderReport, b.delaySinceLastSenderReport) - 150_000) <= 16);
  });
});
