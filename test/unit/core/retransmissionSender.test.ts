import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadTestAddon } from '../../helpers/native/testAddon.js';
import { rtpPacket, type RtpFields } from '../../support/rtpPackets.js';

const { sansio } = loadTestAddon();

const SSRC = 0x55667788;
const RTX_SSRC = 0xabcdef01;

type PacketOptions = Partial<Omit<RtpFields, 'payloadType' | 'seq' | 'ssrc'>>;

/** An RTP packet (RFC 3550 section 5.1) of our stream, PT 96. */
function rtp(seq: number, o: PacketOptions = {}): Buffer {
  return rtpPacket({ ...o, payload: o.payload ?? Buffer.from(`frame ${seq}`), timestamp: o.timestamp ?? seq * 3000, payloadType: 96, seq, ssrc: SSRC });
}

/** The fixed header fields, and where the payload starts (CSRCs and extension skipped). */
function header(p: Buffer) {
  assert.equal(p[0]! >> 6, 2, 'version');
  const csrcCount = p[0]! & 0x0f;
  let length = 12 + 4 * csrcCount;
  if (p[0]! & 0x10) length += 4 + 4 * p.readUInt16BE(length + 2);
  return {
    padding: (p[0]! & 0x20) !== 0,
    marker: (p[1]! & 0x80) !== 0,
    payloadType: p[1]! & 0x7f,
    sequence: p.readUInt16BE(2),
    timestamp: p.readUInt32BE(4),
    ssrc: p.readUInt32BE(8),
    length,
  };
}

/** A generic NACK's FCI (RFC 4585 section 6.2.1) naming `sequences`. */
const fci = (...sequences: number[]): Buffer => sansio.rtcpWriteGenericNack(1, SSRC, sequences)!.subarray(12);

describe('retransmission without RTX (RFC 4585 section 3.4)', () => {
  it('resends the exact bytes that were sent, in the order the NACK names them', () => {
    const r = new sansio.RetransmissionSender();
    assert.equal(r.usesRtx(), false);
    const sent = new Map<number, Buffer>();
    for (let seq = 100; seq < 110; seq++) {
      const p = rtp(seq, { marker: seq === 105, padding: seq === 103 ? 4 : 0, extensions: [{ id: 1, data: Buffer.from([seq]) }] });
      sent.set(seq, p);
      r.onSent(seq, p, seq * 1000);
    }
    const answers = r.onNack(fci(103, 105, 109), 1_000_000, 10_000);
    assert.deepEqual(answers, [sent.get(103), sent.get(105), sent.get(109)]);
    assert.deepEqual(r.stats(), { nackPackets: 1, nackedSequences: 3, retransmitted: 3, notCached: 0, suppressed: 0 });
  });

  it('stays plain with an RTX SSRC but no RTX payload type', () => {
    const r = new sansio.RetransmissionSender({ rtxSsrc: RTX_SSRC });
    assert.equal(r.usesRtx(), false);
    const p = rtp(7);
    r.onSent(7, p, 0);
    assert.deepEqual(r.onNack(fci(7), 100_000, 0), [p]);
  });
});

describe('retransmission as RTX (RFC 4588 section 4)', () => {
  const config = { rtxSsrc: RTX_SSRC, rtxPayloadType: 97, rtxFirstSequence: 65534 };

  it('builds an RTX packet: own SSRC, payload type and sequence; the original sequence number first in the payload', () => {
    const r = new sansio.RetransmissionSender(config);
    assert.equal(r.usesRtx(), true);
    const originals = [1000, 1001, 1002].map((seq) =>
      rtp(seq, {
        marker: seq === 1001,
        csrcs: [0x01020304, 0x0a0b0c0d],
        extensions: [
          { id: 3, data: Buffer.from([0x12, seq & 0xff]) },
          { id: 5, data: Buffer.from('abc') },
        ],
        padding: seq === 1002 ? 8 : 0,
        payload: Buffer.from(`payload of ${seq}`),
        timestamp: 0xfffff000 + seq,
      }),
    );
    originals.forEach((p, i) => r.onSent(1000 + i, p, 0));
    const answers = r.onNack(fci(1000, 1001, 1002), 500_000, 20_000);
    assert.equal(answers.length, 3);
    answers.forEach((rtx, i) => {
      const original = originals[i]!;
      const o = header(original);
      const h = header(rtx);
      const originalPayload = original.subarray(o.length, original.length - (o.padding ? original[original.length - 1]! : 0));
      assert.deepEqual(
        { ...h, length: undefined },
        { padding: false, marker: o.marker, payloadType: 97, sequence: [65534, 65535, 0][i], timestamp: o.timestamp, ssrc: RTX_SSRC, length: undefined },
        `RTX packet ${i}`,
      );
      assert.equal(h.length, o.length, 'same header length');
      assert.deepEqual(rtx.subarray(12, h.length), original.subarray(12, o.length), 'CSRCs and header extensions kept');
      assert.equal(rtx.readUInt16BE(h.length), 1000 + i, 'OSN: the original sequence number');
      assert.deepEqual(rtx.subarray(h.length + 2), originalPayload, 'then the original payload, without its padding');
      assert.deepEqual(sansio.rtpFindHeaderExtension(rtx, 3), Buffer.from([0x12, (1000 + i) & 0xff]));
    });
    assert.equal(answers[2]!.length, originals[2]!.length - 8 + 2);
    // The RTX sequence goes on from where it was, across calls.
    const again = r.onNack(fci(1001), 600_000, 20_000);
    assert.equal(header(again[0]!).sequence, 1);
    assert.deepEqual(r.stats(), { nackPackets: 2, nackedSequences: 4, retransmitted: 4, notCached: 0, suppressed: 0 });
  });

  it('leaves the cached packet as it was: a second RTX of it is built the same way', () => {
    const r = new sansio.RetransmissionSender(config);
    const p = rtp(42, { padding: 4 });
    const copy = Buffer.from(p);
    r.onSent(42, p, 0);
    const [first] = r.onNack(fci(42), 100_000, 10_000);
    const [second] = r.onNack(fci(42), 200_000, 10_000);
    assert.deepEqual(p, copy);
    assert.deepEqual(first!.subarray(4), second!.subarray(4), 'the same but for the RTX sequence number');
    assert.deepEqual([header(first!).sequence, header(second!).sequence], [65534, 65535]);
  });
});

describe('retransmission cache and suppression', () => {
  it('answers only for the last 512 sequence numbers, across the 16-bit wrap', () => {
    const r = new sansio.RetransmissionSender();
    const first = 65_000;
    for (let i = 0; i < 600; i++) r.onSent((first + i) & 0xffff, rtp(first + i), i * 1000);
    // 600 sent, 512 kept: the first 88 were overwritten by the ones 512 later.
    const oldest = (first + 88) & 0xffff;
    const answers = r.onNack(fci((first + 87) & 0xffff, oldest, 65535, 0, (first + 599) & 0xffff), 10_000_000, 0);
    assert.deepEqual(answers.map((p) => header(p).sequence), [oldest, 65535, 0, (first + 599) & 0xffff]);
    assert.deepEqual(answers, [rtp(first + 88), rtp(65535), rtp(65536), rtp(first + 599)]);
    assert.deepEqual(r.stats(), { nackPackets: 1, nackedSequences: 5, retransmitted: 4, notCached: 1, suppressed: 0 });
  });

  it('counts a sequence number never sent, and one whose packet was too large to keep, as not cached', () => {
    const r = new sansio.RetransmissionSender();
    assert.deepEqual(r.onNack(fci(1), 0, 0), [], 'nothing sent yet');
    r.onSent(5, rtp(5), 0);
    // 517 shares 5's slot; at 1600 bytes it is not kept, and 5 must not answer for it either.
    r.onSent(517, rtp(517, { payload: Buffer.alloc(1600 - 12) }), 1000);
    assert.deepEqual(r.onNack(fci(5, 517), 100_000, 0), []);
    assert.deepEqual(r.stats(), { nackPackets: 2, nackedSequences: 3, retransmitted: 0, notCached: 3, suppressed: 0 });
  });

  it('does not resend within minIntervalUs of the original or of the last retransmission', () => {
    const r = new sansio.RetransmissionSender({ rtxSsrc: RTX_SSRC, rtxPayloadType: 97, rtxFirstSequence: 10 });
    r.onSent(300, rtp(300), 1_000_000);
    const at = (us: number): number[] => r.onNack(fci(300), 1_000_000 + us, 10_000).map((p) => header(p).sequence);
    assert.deepEqual(at(5_000), [], 'the original is still on its way');
    assert.deepEqual(at(10_000), [10]);
    assert.deepEqual(at(15_000), []);
    assert.deepEqual(at(19_999), []);
    assert.deepEqual(at(20_000), [11], 'RTX numbers are used only by packets sent');
    assert.deepEqual(r.stats(), { nackPackets: 5, nackedSequences: 5, retransmitted: 2, notCached: 0, suppressed: 3 });
  });

  it('sends nothing it cannot build with room to protect it in place', () => {
    const r = new sansio.RetransmissionSender();
    const p = rtp(1, { payload: Buffer.alloc(1000) });
    r.onSent(1, p, 0);
    assert.deepEqual(r.onNack(fci(1), 100_000, 0, p.length + 63), [], 'SRTP needs up to 64 bytes more');
    assert.deepEqual(r.onNack(fci(1), 100_000, 0, p.length + 64), [p]);
    assert.equal(r.stats().retransmitted, 1);
  });

  it("answers from the source's packets, rewritten into the stream's numbering, and not across a source restart", () => {
    // A fan-out port keeps what the user sent; each connection's rewriter maps a NACK to it.
    const OURS = 0x01020304;
    const r = new sansio.RetransmissionSender({ stream: { ssrc: OURS, payloadType: 100 } });
    const sent = new Map<number, Buffer>();
    for (let seq = 100; seq < 105; seq++) {
      const out = r.onSent(seq, rtp(seq), seq * 1000)!;
      sent.set(header(out).sequence, out);
    }
    // The user's sender restarts: another SSRC, numbering far away. Ours carries on at 105.
    const restarted = rtp(9000, { timestamp: 1 });
    restarted.writeUInt32BE(0x99999999, 8);
    const out = r.onSent(9000, restarted, 200_000)!;
    assert.equal(header(out).sequence, 105);
    const answered = r.onNack(fci(102, 105), 300_000, 0);
    // 102 came from the source before the restart: its packet is not the one asked for.
    assert.deepEqual(answered, [out]);
    assert.deepEqual(header(answered[0]!), { ...header(out), payloadType: 100, ssrc: OURS });
    assert.deepEqual(r.stats(), { nackPackets: 1, nackedSequences: 2, retransmitted: 1, notCached: 1, suppressed: 0 });
    assert.equal(sent.get(102)!.readUInt32BE(8), OURS, 'sent as ours');
  });

  it('rejects arguments of the wrong type', () => {
    assert.throws(() => new sansio.RetransmissionSender({ rtxPayloadType: 128 }), TypeError);
    assert.throws(() => new sansio.RetransmissionSender({ rtxFirstSequence: 65536 }), TypeError);
    const r = new sansio.RetransmissionSender();
    assert.throws(() => r.onSent(65536, rtp(0), 0), TypeError);
    assert.throws(() => r.onSent(1, 'packet' as unknown as Buffer, 0), TypeError);
    assert.throws(() => r.onNack(fci(1), 1.5, 0), TypeError);
  });
});
