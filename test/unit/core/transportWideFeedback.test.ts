import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadTestAddon } from '../../helpers/native/testAddon.js';

const { sansio } = loadTestAddon();
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

interface DecodedFeedback {
  senderSsrc: number;
  mediaSsrc: number;
  baseSequence: number;
  statusCount: number;
  referenceTime: number;
  feedbackCount: number;
  chunks: ('run' | 'vector1' | 'vector2')[];
  /** Every reported sequence number with its arrival time in microseconds (reference time base), or null. */
  packets: { seq: number; arrivalUs: number | null; symbol: number }[];
}

/**
 * Transport feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1), decoded
 * independently of the native code, checking every field it can.
 */
function decodeFeedback(p: Buffer): DecodedFeedback {
  assert.equal(p[0], 0x8f, 'V=2, P=0, FMT=15');
  assert.equal(p[1], 205, 'RTPFB');
  assert.equal(4 * (p.readUInt16BE(2) + 1), p.length, 'length field');
  assert.equal(p.length % 4, 0);
  const baseSequence = p.readUInt16BE(12);
  const statusCount = p.readUInt16BE(14);
  const referenceRaw = p.readUIntBE(16, 3);
  const referenceTime = referenceRaw & 0x800000 ? referenceRaw - 0x1000000 : referenceRaw;
  const feedbackCount = p[19]!;
  let offset = 20;
  const symbols: number[] = [];
  const chunks: DecodedFeedback['chunks'] = [];
  while (symbols.length < statusCount) {
    const chunk = p.readUInt16BE(offset);
    offset += 2;
    if ((chunk & 0x8000) === 0) {
      const symbol = (chunk >> 13) & 3;
      const run = chunk & 0x1fff;
      assert.notEqual(symbol, 3, 'reserved symbol');
      assert.ok(run > 0 && symbols.length + run <= statusCount, 'run within the status count');
      for (let i = 0; i < run; i++) symbols.push(symbol);
      chunks.push('run');
    } else if ((chunk & 0x4000) === 0) {
      for (let i = 13; i >= 0 && symbols.length < statusCount; i--) symbols.push((chunk >> i) & 1);
      chunks.push('vector1');
    } else {
      for (let i = 6; i >= 0 && symbols.length < statusCount; i--) {
        const symbol = (chunk >> (2 * i)) & 3;
        assert.notEqual(symbol, 3, 'reserved symbol');
        symbols.push(symbol);
      }
      chunks.push('vector2');
    }
  }
  let time = referenceTime * 64000;
  const packets = symbols.map((symbol, i) => {
    const seq = (baseSequence + i) & 0xffff;
    if (symbol === 0) return { seq, arrivalUs: null, symbol };
    let delta: number;
    if (symbol === 1) {
      delta = p.readUInt8(offset);
      offset += 1;
    } else {
      delta = p.readInt16BE(offset);
      offset += 2;
    }
    time += delta * 250;
    return { seq, arrivalUs: time, symbol };
  });
  assert.ok(offset <= p.length && p.length - offset < 4, 'only padding after the deltas');
  for (let i = offset; i < p.length; i++) assert.equal(p[i], 0, 'zero padding');
  return { senderSsrc: p.readUInt32BE(4), mediaSsrc: p.readUInt32BE(8), baseSequence, statusCount, referenceTime, feedbackCount, chunks, packets };
}

describe('transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01)', () => {
  const T0 = 1000 * 64000 + 1000; // 1 ms after reference time 1000

  it('writes a feedback with a wrap, a gap, a large delta and a reordered packet', () => {
    const f = new sansio.TransportWideFeedback();
    assert.equal(f.hasPending(), false);
    assert.equal(f.writeFeedback(1, 2), null, 'nothing recorded');
    f.onPacket(65534, T0);
    f.onPacket(65535, T0 + 500);
    // 0 is lost; 2 overtakes 1.
    f.onPacket(2, T0 + 90_000);
    f.onPacket(1, T0 + 100_000);
    f.onPacket(3, T0 + 100_250);
    assert.equal(f.pendingCount(), 6);
    const fb = f.writeFeedback(0x11223344, 0x55667788)!;
    // Symbols 1 1 0 2 2 1 in one two-bit vector (1101 0010 1001 01..): 0xd4a4. Deltas from the
    // reference time (1000 * 64 ms): +4, +2, +398 (large), -40 (large: negative), +41 ticks of 250 us.
    assert.deepEqual(fb, hex('8fcd0007 11223344 55667788 fffe0006 0003e800 d4a4 04 02 018e ffd8 29 000000'));
    const d = decodeFeedback(fb);
    assert.deepEqual(
      { sender: d.senderSsrc, media: d.mediaSsrc, base: d.baseSequence, count: d.statusCount, ref: d.referenceTime, fbCount: d.feedbackCount, chunks: d.chunks },
      { sender: 0x11223344, media: 0x55667788, base: 65534, count: 6, ref: 1000, fbCount: 0, chunks: ['vector2'] },
    );
    assert.deepEqual(
      d.packets.map((p) => [p.seq, p.arrivalUs]),
      [[65534, T0], [65535, T0 + 500], [0, null], [1, T0 + 100_000], [2, T0 + 90_000], [3, T0 + 100_250]],
    );
    assert.equal(f.hasPending(), false);
    // The lost packet arrives after it was reported: ignored.
    f.onPacket(0, T0 + 120_000);
    assert.equal(f.hasPending(), false);
    assert.equal(f.stats().late, 1);
    // The next feedback carries on from 4 with the next feedback packet count.
    f.onPacket(4, T0 + 130_000);
    const next = decodeFeedback(f.writeFeedback(0x11223344, 0x55667788)!);
    assert.deepEqual([next.baseSequence, next.statusCount, next.feedbackCount], [4, 1, 1]);
    assert.equal(next.packets[0]!.arrivalUs, T0 + 130_000);
  });

  it('uses run length chunks for long runs and one-bit vectors for losses with small deltas', () => {
    const f = new sansio.TransportWideFeedback();
    for (let seq = 0; seq < 20; seq++) f.onPacket(seq, T0 + seq * 1000);
    const runs = f.writeFeedback(1, 2)!;
    assert.deepEqual(runs.subarray(20, 22), hex('2014'), 'run of 20 "received, small delta"');
    const d = decodeFeedback(runs);
    assert.deepEqual(d.packets.map((p) => p.arrivalUs), Array.from({ length: 20 }, (_, i) => T0 + i * 1000));

    for (let seq = 20; seq < 30; seq++) if (seq !== 23 && seq !== 27) f.onPacket(seq, T0 + 100_000 + seq * 1000);
    const vector = f.writeFeedback(1, 2)!;
    // 1110 1110 11 then zeros past the status count: 1 0 11101110110000 = 0xbbb0.
    assert.deepEqual(vector.subarray(20, 22), hex('bbb0'));
    const v = decodeFeedback(vector);
    assert.deepEqual(v.chunks, ['vector1']);
    assert.deepEqual(
      v.packets.map((p) => p.arrivalUs),
      Array.from({ length: 10 }, (_, i) => (i === 3 || i === 7 ? null : T0 + 100_000 + (20 + i) * 1000)),
    );
  });

  it('reports a long gap as a run of "not received"', () => {
    const f = new sansio.TransportWideFeedback();
    f.onPacket(100, T0);
    f.onPacket(300, T0 + 50_000);
    const d = decodeFeedback(f.writeFeedback(1, 2)!);
    assert.equal(d.statusCount, 201);
    assert.ok(d.chunks.includes('run'));
    assert.deepEqual(d.packets.filter((p) => p.arrivalUs !== null).map((p) => [p.seq, p.arrivalUs]), [[100, T0], [300, T0 + 50_000]]);
  });

  it('ends a feedback before a delta 16 bits cannot hold, and starts the next with a new reference time', () => {
    const f = new sansio.TransportWideFeedback();
    f.onPacket(10, T0);
    f.onPacket(11, T0 + 9_000_000); // 36000 ticks of 250 us
    f.onPacket(12, T0 + 9_000_250);
    const first = decodeFeedback(f.writeFeedback(1, 2)!);
    assert.deepEqual(first.packets.map((p) => [p.seq, p.arrivalUs]), [[10, T0]]);
    assert.equal(f.hasPending(), true);
    const second = decodeFeedback(f.writeFeedback(1, 2)!);
    assert.equal(second.referenceTime, Math.floor((T0 + 9_000_000) / 64000));
    assert.deepEqual(second.packets.map((p) => [p.seq, p.arrivalUs]), [[11, T0 + 9_000_000], [12, T0 + 9_000_250]]);
    assert.equal(second.feedbackCount, 1);
  });

  it('keeps the first arrival of a duplicate and rounds arrival times to 250 us without drift', () => {
    const f = new sansio.TransportWideFeedback();
    const times = Array.from({ length: 50 }, (_, i) => T0 + i * 1337);
    times.forEach((t, seq) => f.onPacket(seq, t));
    f.onPacket(7, T0 + 999_999);
    assert.equal(f.stats().duplicates, 1);
    const d = decodeFeedback(f.writeFeedback(1, 2)!);
    d.packets.forEach((p, i) => assert.ok(Math.abs(p.arrivalUs! - times[i]!) <= 125, `seq ${i}: ${p.arrivalUs} vs ${times[i]}`));
  });

  it('splits what does not fit the capacity over several feedback packets', () => {
    const f = new sansio.TransportWideFeedback();
    const arrivals = new Map<number, number>();
    for (let seq = 0; seq < 300; seq++) {
      if (seq % 7 === 3) continue;
      const at = T0 + seq * 750 + (seq % 5 === 0 ? 80_000 : 0);
      arrivals.set(seq, at);
      f.onPacket(seq, at);
    }
    const seen: number[] = [];
    let packets = 0;
    for (let fb = f.writeFeedback(1, 2, 64); fb; fb = f.writeFeedback(1, 2, 64)) {
      assert.ok(fb.length <= 64);
      const d = decodeFeedback(fb);
      assert.equal(d.feedbackCount, packets++ & 0xff);
      for (const p of d.packets) {
        seen.push(p.seq);
        if (p.arrivalUs === null) assert.equal(arrivals.has(p.seq), false, `seq ${p.seq} reported lost`);
        else assert.equal(p.arrivalUs, arrivals.get(p.seq), `seq ${p.seq}`);
      }
    }
    assert.ok(packets > 1);
    assert.deepEqual(seen, Array.from({ length: 300 }, (_, i) => i), 'every number once, in order');
    assert.equal(f.writeFeedback(1, 2, 23), null);
  });

  it('bounds what it keeps: beyond 1024 numbers the oldest are dropped', () => {
    const f = new sansio.TransportWideFeedback();
    for (let seq = 0; seq < 2000; seq++) f.onPacket(seq & 0xffff, T0 + seq * 100);
    assert.equal(f.pendingCount(), 1024);
    assert.equal(f.stats().dropped, 2000 - 1024);
    const d = decodeFeedback(f.writeFeedback(1, 2, 1500)!);
    assert.equal(d.baseSequence, 2000 - 1024);
    // A jump past a whole window starts afresh at the new packet.
    const g = new sansio.TransportWideFeedback();
    g.onPacket(5, T0);
    g.onPacket(5 + 20000, T0 + 1000);
    assert.equal(g.pendingCount(), 1);
    assert.deepEqual(decodeFeedback(g.writeFeedback(1, 2)!).packets.map((p) => p.seq), [20005]);
  });
});

describe('RTP header extension elements (RFC 8285)', () => {
  it('finds one-byte elements, skipping padding and stopping at id 15', () => {
    // Elements: id 1 (1 byte), a padding byte, id 3 (3 bytes), padding.
    const packet = hex('90600001 00000001 00000002 bede0002 10ff 00 32aabbcc 00 5050');
    assert.deepEqual(sansio.rtpFindHeaderExtension(packet, 1), hex('ff'));
    assert.deepEqual(sansio.rtpFindHeaderExtension(packet, 3), hex('aabbcc'));
    assert.equal(sansio.rtpFindHeaderExtension(packet, 2), null);
    assert.equal(sansio.rtpFindHeaderExtension(packet, 15), null);
    const stopped = hex('90600001 00000001 00000002 bede0002 10ff f0 32aabbcc 00');
    assert.deepEqual(sansio.rtpFindHeaderExtension(stopped, 1), hex('ff'));
    assert.equal(sansio.rtpFindHeaderExtension(stopped, 3), null, 'nothing after id 15 is read');
    // A transport-wide sequence number (2 bytes) as browsers send it.
    const twcc = hex('90600001 00000001 00000002 bede0001 5112 3400 5050');
    assert.equal(sansio.rtpFindHeaderExtension(twcc, 5)?.readUInt16BE(0), 0x1234);
  });

  it('finds two-byte elements, including empty ones', () => {
    const packet = hex('90600001 00000001 00000002 10000002 0100 0502abcd 0000');
    assert.deepEqual(sansio.rtpFindHeaderExtension(packet, 1), Buffer.alloc(0));
    assert.deepEqual(sansio.rtpFindHeaderExtension(packet, 5), hex('abcd'));
    assert.equal(sansio.rtpFindHeaderExtension(packet, 2), null);
    const appBits = hex('90600001 00000001 00000002 100f0001 c8010700');
    assert.deepEqual(sansio.rtpFindHeaderExtension(appBits, 200), hex('07'));
  });

  it('refuses elements running past the block, other profiles and packets without extensions', () => {
    assert.equal(sansio.rtpFindHeaderExtension(hex('90600001 00000001 00000002 bede0001 13aabb00'), 1), null);
    assert.equal(sansio.rtpFindHeaderExtension(hex('90600001 00000001 00000002 10000001 0105aabb'), 1), null);
    assert.equal(sansio.rtpFindHeaderExtension(hex('90600001 00000001 00000002 12340001 10ff0000'), 1), null);
    assert.equal(sansio.rtpFindHeaderExtension(hex('80600001 00000001 00000002 10ff0000'), 1), null);
  });
});
