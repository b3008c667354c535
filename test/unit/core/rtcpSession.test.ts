import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { MediaKind } from '../../../src/native/addon.js';
import { loadTestAddon, type RawRtcpSessionConfig, type RawSenderSnapshot } from '../../helpers/native/testAddon.js';
import { parseRtcp, rtcpName } from '../../helpers/rtcp.js';
import { rtcpPacket } from '../../support/rtpPackets.js';

const { sansio } = loadTestAddon();

type Session = InstanceType<typeof sansio.RtcpSession>;
type Senders = Partial<Record<MediaKind, RawSenderSnapshot | null>>;

const T0 = 10_000_000;
const UNIX_AT_ZERO = 1_700_000_000_000_000;
/** Wall clock (NTP) for the monotonic time `us`: one fixed offset, as the host keeps. */
const ntp = (us: number): bigint => sansio.ntpFromUnixMicros(UNIX_AT_ZERO + us);
/** The compact NTP form LSR and LRR carry (RFC 3550 section 6.4.1). */
const middle32 = (n: bigint): number => Number((n >> 16n) & 0xffffffffn);

const OUR_VIDEO = 0x11111111;
const OUR_AUDIO = 0x22222222;
const REMOTE_VIDEO = 0xbbbb0001;
const REMOTE_AUDIO = 0xaaaa0001;

/** The packets of one compound datagram by name ("SR", "NACK", "TWCC", ...), with their bytes. */
function split(datagram: Buffer): { name: string; p: Buffer }[] {
  const parsed = parseRtcp(datagram);
  assert.ok(parsed, 'poll() wrote well-formed compound RTCP');
  let offset = 0;
  return parsed.map((packet) => {
    const p = datagram.subarray(offset, offset + packet.size);
    offset += packet.size;
    return { name: rtcpName(packet), p };
  });
}

const names = (datagram: Buffer | null): string[] => (datagram ? split(datagram).map((x) => x.name) : []);
const only = (datagram: Buffer, name: string): Buffer => {
  const found = split(datagram).filter((x) => x.name === name);
  assert.equal(found.length, 1, `one ${name} in ${names(datagram).join(',')}`);
  return found[0]!.p;
};

/** SR (RFC 3550 section 6.4.1). */
function decodeSr(p: Buffer) {
  assert.equal(p[1], 200);
  const count = p[0]! & 0x1f;
  assert.equal(p.length, 28 + 24 * count, 'length: sender info and RC blocks');
  return {
    ssrc: p.readUInt32BE(4),
    ntp: p.readBigUInt64BE(8),
    rtpTimestamp: p.readUInt32BE(16),
    packetCount: p.readUInt32BE(20),
    octetCount: p.readUInt32BE(24),
    blocks: Array.from({ length: count }, (_, i) => sansio.rtcpReadReportBlock(p.subarray(28 + 24 * i))!),
  };
}

/** RR (RFC 3550 section 6.4.2). */
function decodeRr(p: Buffer) {
  assert.equal(p[1], 201);
  const count = p[0]! & 0x1f;
  assert.equal(p.length, 8 + 24 * count);
  return { ssrc: p.readUInt32BE(4), blocks: Array.from({ length: count }, (_, i) => sansio.rtcpReadReportBlock(p.subarray(8 + 24 * i))!) };
}

/** SDES with one chunk holding one CNAME item (RFC 3550 section 6.5.1). */
function decodeCname(p: Buffer): { ssrc: number; cname: string } {
  assert.equal(p[0], 0x81, 'V=2, SC=1');
  assert.equal(p[1], 202);
  assert.equal(p[8], 1, 'CNAME item');
  const length = p[9]!;
  assert.equal(p[10 + length], 0, 'the chunk ends with a null octet');
  return { ssrc: p.readUInt32BE(4), cname: p.toString('utf8', 10, 10 + length) };
}

/** XR with one Receiver Reference Time block (RFC 3611 section 4.4). */
function decodeRrtr(p: Buffer): { ssrc: number; ntp: bigint } {
  assert.equal(p.length, 20);
  assert.equal(p[1], 207);
  assert.equal(p[8], 4, 'BT=4');
  assert.equal(p.readUInt16BE(10), 2, 'block length');
  return { ssrc: p.readUInt32BE(4), ntp: p.readBigUInt64BE(12) };
}

/** An XR with one DLRR block (RFC 3611 section 4.5), as the remote's sender would answer. */
function xrDlrr(senderSsrc: number, entries: { ssrc: number; lastRr: number; delayUs: number }[]): Buffer {
  const block = Buffer.alloc(4 + 12 * entries.length);
  block[0] = 5;
  block.writeUInt16BE(3 * entries.length, 2);
  entries.forEach((e, i) => {
    block.writeUInt32BE(e.ssrc, 4 + 12 * i);
    block.writeUInt32BE(e.lastRr >>> 0, 8 + 12 * i);
    block.writeUInt32BE(sansio.microsToQ16(e.delayUs), 12 + 12 * i);
  });
  return rtcpPacket(207, 0, senderSsrc, block);
}

/** Generic NACK (RFC 4585 section 6.2.1). */
function decodeNack(p: Buffer): { senderSsrc: number; mediaSsrc: number; sequences: number[] } {
  assert.equal(p[0]! & 0x1f, 1);
  assert.equal(p[1], 205);
  return { senderSsrc: p.readUInt32BE(4), mediaSsrc: p.readUInt32BE(8), sequences: sansio.rtcpNackedSequences(p.subarray(12)) };
}

/** PLI (RFC 4585 section 6.3.1): no FCI. */
function decodePli(p: Buffer): { senderSsrc: number; mediaSsrc: number } {
  assert.equal(p.length, 12);
  assert.equal(p[0], 0x81);
  assert.equal(p[1], 206);
  return { senderSsrc: p.readUInt32BE(4), mediaSsrc: p.readUInt32BE(8) };
}

/** REMB (draft-alvestrand-rmcat-remb-03 section 2.2). */
function decodeRemb(p: Buffer): { senderSsrc: number; bitrate: number; ssrcs: number[] } {
  assert.equal(p.toString('latin1', 12, 16), 'REMB');
  const count = p[16]!;
  const bitrate = (((p[17]! & 3) << 16) | p.readUInt16BE(18)) * 2 ** (p[17]! >> 2);
  return { senderSsrc: p.readUInt32BE(4), bitrate, ssrcs: Array.from({ length: count }, (_, i) => p.readUInt32BE(20 + 4 * i)) };
}

/** The fixed part of transport feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1). */
function decodeTwccHeader(p: Buffer) {
  assert.equal(p[0], 0x8f);
  assert.equal(p[1], 205);
  return { senderSsrc: p.readUInt32BE(4), mediaSsrc: p.readUInt32BE(8), baseSequence: p.readUInt16BE(12), statusCount: p.readUInt16BE(14), feedbackCount: p[19]! };
}

/**
 * Drives a session as TransportHost does: one timer at nextDeadlineUs(), re-armed after every
 * poll (never sooner than 1 ms) and when a packet reports new work. Keeps what each poll wrote.
 */
class Host {
  readonly sent: { at: number; datagram: Buffer }[] = [];
  private timerAt: number;
  now: number;

  constructor(
    readonly session: Session,
    start = T0,
    public senders: Senders = {},
  ) {
    this.now = start;
    this.timerAt = start;
  }

  advance(to: number): void {
    while (this.timerAt <= to) {
      this.now = Math.max(this.timerAt, this.now); // a deadline already past fires at once
      for (let i = 0; i < 4; i++) {
        const datagram = this.session.poll(this.now, ntp(this.now), this.senders);
        if (!datagram) break;
        this.sent.push({ at: this.now, datagram });
      }
      this.timerAt = Math.max(this.session.nextDeadlineUs(), this.now + 1000);
    }
    this.now = to;
  }

  rtp(kind: MediaKind, ssrc: number, seq: number, timestamp: number, at: number, options: { size?: number; clockRate?: number; retransmission?: boolean } = {}): boolean {
    this.advance(at);
    const clockRate = options.clockRate ?? (kind === 'video' ? 90000 : 48000);
    const work = this.session.onReceivedRtp(kind, ssrc, seq & 0xffff, timestamp >>> 0, clockRate, options.size ?? 1000, at, options.retransmission ?? false);
    if (work) this.timerAt = Math.min(this.timerAt, this.session.nextDeadlineUs());
    return work;
  }

  transportSequence(seq: number, at: number): boolean {
    this.advance(at);
    const work = this.session.onTransportSequence(seq & 0xffff, at);
    if (work) this.timerAt = Math.min(this.timerAt, this.session.nextDeadlineUs());
    return work;
  }

  remote(datagram: Buffer, at: number): void {
    this.advance(at);
    this.session.onRemoteRtcp(datagram, at, ntp(at));
    this.timerAt = Math.min(this.timerAt, this.session.nextDeadlineUs());
  }

  /** Every packet named `name` written so far, with when. */
  of(name: string): { at: number; p: Buffer }[] {
    return this.sent.flatMap(({ at, datagram }) => split(datagram).filter((x) => x.name === name).map(({ p }) => ({ at, p })));
  }
}

const session = (config: RawRtcpSessionConfig = {}): Session => new sansio.RtcpSession(config);

describe('RTCP session: reports (RFC 3550 section 6.2, 6.4)', () => {
  it('reports first after half an interval, then every reportIntervalUs', () => {
    const s = session({ reportIntervalUs: 1_000_000 });
    assert.equal(s.nextDeadlineUs(), 0, 'before the first poll: due at once, to start the clock');
    assert.equal(s.poll(T0, ntp(T0)), null, 'nothing to say yet');
    assert.equal(s.nextDeadlineUs(), T0 + 500_000);
    assert.equal(s.poll(T0 + 499_999, ntp(T0 + 499_999)), null);
    const host = new Host(s, T0 + 500_000);
    host.advance(T0 + 5_000_000);
    assert.deepEqual(
      host.sent.map((x) => x.at - T0),
      [500_000, 1_500_000, 2_500_000, 3_500_000, 4_500_000],
    );
    assert.equal(s.receiveFeedback().reportsSent, 5);

    const fast = session({ reportIntervalUs: 200_000 });
    const fastHost = new Host(fast);
    fastHost.advance(T0 + 1_000_000);
    assert.deepEqual(
      fastHost.sent.map((x) => x.at - T0),
      [100_000, 300_000, 500_000, 700_000, 900_000],
    );
  });

  it('writes an SR per sending stream with the snapshot and NTP = now, then one SDES CNAME (6.4.1, 6.5.1)', () => {
    const s = session({ cname: 'unit-test@gateway' });
    s.setSendStream('video', OUR_VIDEO);
    s.setSendStream('audio', OUR_AUDIO);
    const host = new Host(s);
    host.rtp('audio', REMOTE_AUDIO, 1, 0, T0 + 10_000);
    host.rtp('audio', REMOTE_AUDIO, 2, 960, T0 + 30_000);
    const at = T0 + 500_000;
    host.senders = {
      video: { ssrc: OUR_VIDEO, rtpTimestamp: 0x12345678, packets: 321, payloadOctets: 300_000, bytes: 330_000 },
      audio: { ssrc: OUR_AUDIO, rtpTimestamp: 0xfffffff0, packets: 25, payloadOctets: 2500, bytes: 3000 },
    };
    host.advance(at);
    assert.equal(host.sent.length, 1);
    const { datagram } = host.sent[0]!;
    assert.deepEqual(names(datagram), ['SR', 'SR', 'SDES'], 'no RR, no XR while we send');
    const [video, audio] = split(datagram).slice(0, 2).map(({ p }) => decodeSr(p));
    assert.deepEqual(
      { ...video!, blocks: video!.blocks.map((b) => b.ssrc) },
      { ssrc: OUR_VIDEO, ntp: ntp(at), rtpTimestamp: 0x12345678, packetCount: 321, octetCount: 300_000, blocks: [REMOTE_AUDIO] },
    );
    assert.deepEqual(
      { ...audio!, blocks: audio!.blocks.length },
      { ssrc: OUR_AUDIO, ntp: ntp(at), rtpTimestamp: 0xfffffff0, packetCount: 25, octetCount: 2500, blocks: 0 },
      'report blocks ride on the first SR only',
    );
    assert.deepEqual(decodeCname(only(datagram, 'SDES')), { ssrc: OUR_VIDEO, cname: 'unit-test@gateway' });
  });

  it('sends no SR for a stream without packets or whose snapshot is of another SSRC', () => {
    const s = session();
    s.setSendStream('video', OUR_VIDEO);
    s.setSendStream('audio', OUR_AUDIO);
    s.poll(T0, ntp(T0));
    const at = T0 + 500_000;
    const datagram = s.poll(at, ntp(at), {
      video: { ssrc: OUR_VIDEO, packets: 0 },
      audio: { ssrc: 0x99, packets: 10, payloadOctets: 100 },
    })!;
    assert.deepEqual(names(datagram), ['RR', 'XR', 'SDES']);
  });

  it('measures the bitrate of each sent stream between reports', () => {
    const s = session();
    s.setSendStream('video', OUR_VIDEO);
    const host = new Host(s);
    host.senders = { video: { ssrc: OUR_VIDEO, packets: 10, payloadOctets: 10_000, bytes: 11_000 } };
    host.advance(T0 + 500_000);
    assert.equal(s.sendStats().video?.bitrateBps, 0, 'no interval before the first report');
    host.senders = { video: { ssrc: OUR_VIDEO, packets: 110, payloadOctets: 110_000, bytes: 11_000 + 250_000 } };
    host.advance(T0 + 1_500_000);
    assert.equal(s.sendStats().video?.bitrateBps, 2_000_000);
    assert.equal(s.sendStats().audio, null);
  });

  it('writes RR, XR RRTR and SDES from receiverSsrc while receiving only (RFC 3611 section 4.4)', () => {
    const s = session({ receiverSsrc: 0x5eed, cname: 'rx' });
    const host = new Host(s);
    host.rtp('video', REMOTE_VIDEO, 1000, 0, T0 + 1000);
    host.rtp('video', REMOTE_VIDEO, 1001, 3000, T0 + 34_000);
    host.rtp('audio', REMOTE_AUDIO, 7, 0, T0 + 2000);
    host.rtp('audio', REMOTE_AUDIO, 8, 960, T0 + 22_000);
    const at = T0 + 500_000;
    host.advance(at);
    const { datagram } = host.sent[0]!;
    assert.deepEqual(names(datagram), ['RR', 'XR', 'SDES']);
    const rr = decodeRr(only(datagram, 'RR'));
    assert.equal(rr.ssrc, 0x5eed);
    assert.deepEqual(rr.blocks.map((b) => b.ssrc), [REMOTE_VIDEO, REMOTE_AUDIO]);
    assert.deepEqual(decodeRrtr(only(datagram, 'XR')), { ssrc: 0x5eed, ntp: ntp(at) });
    assert.deepEqual(decodeCname(only(datagram, 'SDES')), { ssrc: 0x5eed, cname: 'rx' });
  });

  it('reports loss and jitter of a received stream, and LSR/DLSR once its SR arrived (6.4.1, A.3, A.8)', () => {
    const s = session({ reportIntervalUs: 10_000_000 });
    const host = new Host(s);
    // 200 packets every 20 ms, every other one 1 ms late: |D| = 90 units at 90 kHz; 50 and 51 lost.
    for (let seq = 1; seq <= 200; seq++) {
      if (seq === 50 || seq === 51) continue;
      host.rtp('video', REMOTE_VIDEO, seq, 5000 + seq * 1800, T0 + seq * 20_000 + (seq % 2) * 1000);
    }
    const srNtp = 0xe8_3a_a7_e1_80_00_40_00n;
    host.remote(sansio.rtcpWriteSenderReport(REMOTE_VIDEO, { ntpTimestamp: srNtp, rtpTimestamp: 1, packetCount: 200, octetCount: 1 }, [])!, T0 + 4_500_000);
    host.advance(T0 + 5_000_000);
    assert.equal(host.sent.length, 1);
    const [block] = decodeRr(only(host.sent[0]!.datagram, 'RR')).blocks;
    assert.equal(block!.ssrc, REMOTE_VIDEO);
    assert.equal(block!.cumulativeLost, 2);
    assert.equal(block!.fractionLost, Math.floor((2 * 256) / 199), '2 of the 199 expected after probation');
    assert.equal(block!.extendedHighestSequence, 200);
    assert.ok(block!.jitter === 89 || block!.jitter === 90, `jitter ${block!.jitter}`);
    assert.equal(block!.lastSenderReport, middle32(srNtp));
    assert.equal(block!.delaySinceLastSenderReport, sansio.microsToQ16(500_000));
    const [stats] = s.receiveStats();
    assert.ok(Math.abs(stats!.jitterMs - 1) < 0.02, `jitterMs ${stats!.jitterMs}`);
    assert.equal(stats!.lost, 2);
  });
});

describe('RTCP session: round-trip time', () => {
  it('computes it from the LSR/DLSR of a report block about our stream (RFC 3550 section 6.4.1)', () => {
    const s = session();
    s.setSendStream('video', OUR_VIDEO);
    assert.equal(s.rttUs(), null);
    assert.equal(s.rttEstimateUs(), 100_000, 'a guess before there is a measurement');
    const senders: Senders = { video: { ssrc: OUR_VIDEO, packets: 5, payloadOctets: 5000, bytes: 5500 } };
    s.poll(T0, ntp(T0), senders);
    const srAt = T0 + 500_000;
    const sr = decodeSr(only(s.poll(srAt, ntp(srAt), senders)!, 'SR'));
    assert.equal(sr.ntp, ntp(srAt));

    // The remote held the SR 100 ms and its RR arrives 150 ms after the SR left: 50 ms RTT.
    const block = { lastSenderReport: middle32(sr.ntp), delaySinceLastSenderReport: sansio.microsToQ16(100_000), fractionLost: 12, cumulativeLost: 7, jitter: 345 };
    const arrival = srAt + 150_000;
    s.onRemoteRtcp(
      sansio.rtcpWriteReceiverReport(REMOTE_VIDEO, [
        { ...block, ssrc: 0x99, lastSenderReport: middle32(sr.ntp) - 65536 },
        { ...block, ssrc: OUR_VIDEO },
      ])!,
      arrival,
      ntp(arrival),
    );
    const video = s.sendStats().video!;
    assert.ok(Math.abs(video.rttUs! - 50_000) <= 30, `rtt ${video.rttUs}`);
    assert.deepEqual(
      [video.remoteFractionLost, video.remoteCumulativeLost, video.remoteJitter],
      [12, 7, 345],
    );
    assert.equal(s.rttUs(), video.rttUs);
    assert.equal(s.rttEstimateUs(), video.rttUs);

    // A block without LSR (no SR seen) leaves the measurement as it was.
    s.onRemoteRtcp(sansio.rtcpWriteReceiverReport(REMOTE_VIDEO, [{ ssrc: OUR_VIDEO }])!, arrival + 1_000_000, ntp(arrival + 1_000_000));
    assert.equal(s.sendStats().video!.rttUs, video.rttUs);
  });

  it('takes the report blocks of an SR too', () => {
    const s = session();
    s.setSendStream('audio', OUR_AUDIO);
    const senders: Senders = { audio: { ssrc: OUR_AUDIO, packets: 5, payloadOctets: 500, bytes: 600 } };
    s.poll(T0, ntp(T0), senders);
    const srAt = T0 + 500_000;
    const sr = decodeSr(only(s.poll(srAt, ntp(srAt), senders)!, 'SR'));
    const arrival = srAt + 300_000;
    const remoteSr = sansio.rtcpWriteSenderReport(REMOTE_AUDIO, { ntpTimestamp: 5n << 32n }, [
      { ssrc: OUR_AUDIO, lastSenderReport: middle32(sr.ntp), delaySinceLastSenderReport: sansio.microsToQ16(200_000) },
    ])!;
    s.onRemoteRtcp(remoteSr, arrival, ntp(arrival));
    assert.ok(Math.abs(s.rttUs()! - 100_000) <= 30, `rtt ${s.rttUs()}`);
  });

  it('computes it from an XR DLRR answering our RRTR while receiving only (RFC 3611 section 4.5)', () => {
    const s = session({ receiverSsrc: 0x5eed });
    s.poll(T0, ntp(T0));
    const at = T0 + 500_000;
    const rrtr = decodeRrtr(only(s.poll(at, ntp(at))!, 'XR'));
    const arrival = at + 80_000;
    const answer = (ssrc: number): Buffer =>
      Buffer.concat([sansio.rtcpWriteReceiverReport(REMOTE_VIDEO, [])!, xrDlrr(REMOTE_VIDEO, [{ ssrc, lastRr: middle32(rrtr.ntp), delayUs: 30_000 }])]);
    s.onRemoteRtcp(answer(0x1234), arrival, ntp(arrival));
    assert.equal(s.rttUs(), null, 'a DLRR about another receiver');
    s.onRemoteRtcp(answer(0x5eed), arrival, ntp(arrival));
    assert.ok(Math.abs(s.receiveFeedback().rttUs! - 50_000) <= 30, `rtt ${s.receiveFeedback().rttUs}`);
    assert.equal(s.rttUs(), s.receiveFeedback().rttUs);
    assert.equal(s.rttEstimateUs(), s.rttUs());
  });

  it('learns it from XR too while a send stream is set but has not sent yet: one SSRC for the whole compound', () => {
    const s = session({ receiverSsrc: 0x5eed });
    s.setSendStream('video', OUR_VIDEO);
    s.poll(T0, ntp(T0));
    const at = T0 + 500_000;
    const datagram = s.poll(at, ntp(at), { video: { ssrc: OUR_VIDEO, packets: 0 } })!;
    assert.deepEqual(names(datagram), ['RR', 'XR', 'SDES']);
    const rr = decodeRr(only(datagram, 'RR'));
    const rrtr = decodeRrtr(only(datagram, 'XR'));
    const sdes = decodeCname(only(datagram, 'SDES'));
    assert.equal(rrtr.ssrc, rr.ssrc);
    assert.equal(sdes.ssrc, rr.ssrc, 'the CNAME is about the SSRC that reports');
    // The remote answers the RRTR's sender, as RFC 3611 section 4.5 has it.
    const arrival = at + 80_000;
    s.onRemoteRtcp(xrDlrr(REMOTE_VIDEO, [{ ssrc: rrtr.ssrc, lastRr: middle32(rrtr.ntp), delayUs: 30_000 }]), arrival, ntp(arrival));
    assert.ok(s.rttUs() !== null && Math.abs(s.rttUs()! - 50_000) <= 30, `rtt ${s.rttUs()}`);
  });
});

describe('RTCP session: NACK and PLI (RFC 4585 section 6.2.1, 6.3.1)', () => {
  /** Video at 20 ms intervals from `from` to `to`, leaving out `lost`; returns each packet's answer. */
  function video(host: Host, from: number, to: number, lost: number[] = [], startAt = T0): boolean[] {
    const answers: boolean[] = [];
    for (let seq = from; seq <= to; seq++) {
      if (!lost.includes(seq)) answers.push(host.rtp('video', REMOTE_VIDEO, seq, seq * 1800, startAt + (seq - from) * 20_000));
    }
    return answers;
  }

  it('NACKs a gap after the reorder delay, and says so when the packet arrives', () => {
    const s = session({ nack: true, receiverSsrc: 0x5eed });
    const host = new Host(s);
    host.advance(T0);
    assert.deepEqual(video(host, 100, 104), [false, false, false, false, false]);
    assert.equal(s.nextDeadlineUs(), T0 + 500_000, 'only the report is due');
    const gapAt = T0 + 6 * 20_000;
    assert.equal(host.rtp('video', REMOTE_VIDEO, 106, 106 * 1800, gapAt), true, 'a gap is new work');
    assert.equal(s.nextDeadlineUs(), gapAt + 10_000, 'the NACK is due after the reorder delay, before the report');
    host.advance(gapAt + 9_999);
    assert.equal(host.sent.length, 0);
    host.advance(gapAt + 10_000);
    assert.deepEqual(host.sent.map((x) => [x.at, names(x.datagram)]), [[gapAt + 10_000, ['NACK']]]);
    assert.deepEqual(decodeNack(host.sent[0]!.datagram), { senderSsrc: 0x5eed, mediaSsrc: REMOTE_VIDEO, sequences: [105] });
    assert.equal(s.nextDeadlineUs(), gapAt + 10_000 + 100_000, 'the retry, one (guessed) RTT later');

    assert.equal(host.rtp('video', REMOTE_VIDEO, 105, 105 * 1800, gapAt + 40_000, { retransmission: true }), false, 'a filled gap is no new work');
    assert.equal(s.nextDeadlineUs(), T0 + 500_000);
    host.advance(T0 + 2_000_000);
    assert.equal(host.of('NACK').length, 1, 'no retry after the retransmission');
    const feedback = s.receiveFeedback();
    assert.deepEqual([feedback.nackSent, feedback.nackedSequences, feedback.recovered, feedback.abandoned, feedback.pliSent], [1, 1, 1, 0, 0]);
    assert.equal(s.receiveStats()[0]!.retransmissionsReceived, 1);
  });

  it('NACKs several numbers in one message, and nothing for audio', () => {
    const s = session({ nack: true });
    const host = new Host(s);
    video(host, 1000, 1040, [1010, 1011, 1030]);
    for (let seq = 1; seq <= 20; seq++) if (seq !== 5) host.rtp('audio', REMOTE_AUDIO, seq, seq * 960, T0 + seq * 20_000);
    host.advance(T0 + 900_000);
    const nacks = host.of('NACK').map(({ at, p }) => ({ at: at - T0, ...decodeNack(p) }));
    // 1012 shows the gap at 240 ms, 1031 at 620 ms; retries follow every 100 ms.
    assert.deepEqual(
      nacks.filter((n) => n.at <= 650_000).map((n) => [n.at, n.sequences]),
      [[250_000, [1010, 1011]], [350_000, [1010, 1011]], [450_000, [1010, 1011]], [550_000, [1010, 1011]], [630_000, [1030]], [650_000, [1010, 1011]]],
    );
    assert.ok(nacks.every((n) => n.mediaSsrc === REMOTE_VIDEO && n.senderSsrc === 1));
  });

  it('writes no NACK without config.nack', () => {
    const s = session();
    const host = new Host(s);
    const answers = video(host, 100, 140, [105, 120]);
    assert.ok(answers.every((a) => !a), 'no gap is work without NACK');
    host.advance(T0 + 3_000_000);
    assert.deepEqual(host.of('NACK'), []);
    assert.deepEqual(host.of('PLI'), []);
    assert.deepEqual(host.sent.map((x) => x.at - T0), [500_000, 1_500_000, 2_500_000], 'reports only');
    assert.equal(s.receiveFeedback().nackSent, 0);
    assert.equal(s.receiveStats()[0]!.lost, 2);
  });

  it('asks for a keyframe once the generator abandons a packet, in the same poll', () => {
    const s = session({ nack: true, receiverSsrc: 0x5eed });
    const host = new Host(s);
    video(host, 100, 106, [105]);
    const gapAt = T0 + 6 * 20_000;
    host.advance(gapAt + 2_000_000);
    const nacks = host.of('NACK');
    // Every 100 ms (the guessed RTT) from the reorder delay on, 10 tries (NackConfig.maxRetries).
    assert.deepEqual(nacks.map((n) => n.at - gapAt), Array.from({ length: 10 }, (_, i) => 10_000 + i * 100_000));
    assert.ok(nacks.every((n) => decodeNack(n.p).sequences.join() === '105'));
    const plis = host.of('PLI');
    assert.deepEqual(plis.map((x) => x.at - gapAt), [1_010_000], 'one PLI, when the 11th try would have been due');
    assert.deepEqual(decodePli(plis[0]!.p), { senderSsrc: 0x5eed, mediaSsrc: REMOTE_VIDEO });
    const feedback = s.receiveFeedback();
    assert.deepEqual([feedback.nackSent, feedback.nackedSequences, feedback.abandoned, feedback.pliSent], [10, 10, 1, 1]);
  });

  it('asks for a keyframe soon when the sequence jumps past what NACKs can repair', () => {
    const s = session({ nack: true });
    const host = new Host(s);
    video(host, 100, 110);
    // 1500 numbers missing at once: more than NackConfig.maxMissing; the picture needs a keyframe.
    const jumpAt = T0 + 240_000;
    assert.equal(host.rtp('video', REMOTE_VIDEO, 1611, 1611 * 1800, jumpAt), true, 'a keyframe to ask for is new work');
    assert.ok(s.nextDeadlineUs() <= jumpAt);
    host.advance(jumpAt + 5_000);
    assert.deepEqual(host.of('PLI').map((x) => x.at), [jumpAt]);
    assert.deepEqual(host.of('NACK'), []);
    assert.equal(s.receiveFeedback().pliSent, 1);
    host.advance(T0 + 2_000_000);
    assert.equal(host.of('PLI').length, 1, 'once');
  });

  it('follows the remote video source it NACKs for, and counts what earlier sources recovered', () => {
    const s = session({ nack: true });
    const host = new Host(s);
    video(host, 1, 10, [5]);
    host.advance(T0 + 200_000);
    assert.deepEqual(host.of('NACK').map((x) => x.at - T0), [110_000], 'seq 6 showed the gap at 100 ms');
    host.rtp('video', REMOTE_VIDEO, 5, 5 * 1800, T0 + 205_000, { retransmission: true });
    const next = REMOTE_VIDEO + 1;
    host.rtp('video', next, 500, 0, T0 + 220_000);
    host.rtp('video', next, 502, 3600, T0 + 240_000);
    host.advance(T0 + 260_000);
    const nacks = host.of('NACK').map(({ p }) => decodeNack(p));
    assert.deepEqual(nacks.map((n) => [n.mediaSsrc, n.sequences]), [[REMOTE_VIDEO, [5]], [next, [501]]]);
    assert.equal(s.receiveFeedback().recovered, 1);
  });
});

describe('RTCP session: transport-cc and REMB', () => {
  it('writes transport feedback about every transportFeedbackIntervalUs, each continuing where the last ended', () => {
    const s = session({ transportCcExtensionId: 3, transportFeedbackIntervalUs: 50_000, reportIntervalUs: 10_000_000 });
    const host = new Host(s);
    host.advance(T0);
    const first = 65_500;
    const work: boolean[] = [];
    for (let i = 0; i < 200; i++) {
      const at = T0 + 1000 + i * 5000;
      if (i % 10 === 0) host.rtp('video', REMOTE_VIDEO, i, i * 450, at);
      if (i === 77) continue; // lost: reported as not received
      work.push(host.transportSequence(first + i, at));
    }
    host.advance(T0 + 1_100_000);
    assert.equal(work[0], true, 'the first record is new work');
    assert.ok(work.filter(Boolean).length >= 19, 'so is the first after each feedback');
    const feedback = host.of('TWCC');
    const times = feedback.map((f) => f.at);
    for (let i = 1; i < times.length; i++) {
      const gap = times[i]! - times[i - 1]!;
      assert.ok(gap >= 50_000 && gap <= 56_000, `feedback ${i} came ${gap} us after the previous`);
    }
    assert.ok(feedback.length >= 19 && feedback.length <= 21, `${feedback.length} feedback packets in 1 s`);
    let next = first;
    let count = 0;
    for (const { p } of feedback) {
      const h = decodeTwccHeader(p);
      assert.equal(h.senderSsrc, 1);
      assert.equal(h.mediaSsrc, REMOTE_VIDEO);
      assert.equal(h.baseSequence, next & 0xffff, 'no number reported twice or skipped');
      assert.equal(h.feedbackCount, count++ & 0xff);
      next += h.statusCount;
    }
    assert.equal(next, first + 200, 'every number up to the last, across the wrap');
    assert.equal(s.receiveFeedback().transportFeedbackSent, feedback.length);
  });

  it('writes no transport feedback without the extension id, or without a transport sequence', () => {
    const without = session();
    assert.equal(without.onTransportSequence(1, T0), false);
    const host = new Host(without);
    host.advance(T0 + 1_000_000);
    assert.deepEqual(host.of('TWCC'), []);

    const idle = new Host(session({ transportCcExtensionId: 5 }));
    idle.rtp('video', REMOTE_VIDEO, 1, 0, T0 + 1000);
    idle.rtp('video', REMOTE_VIDEO, 2, 3000, T0 + 34_000);
    idle.advance(T0 + 1_000_000);
    assert.deepEqual(idle.of('TWCC'), []);
  });

  it('adds a REMB about the received video sources with rembBps', () => {
    const s = session({ rembBps: 2_500_000 });
    const host = new Host(s);
    host.rtp('audio', REMOTE_AUDIO, 1, 0, T0 + 1000);
    host.advance(T0 + 500_000);
    assert.deepEqual(names(host.sent[0]!.datagram), ['RR', 'XR', 'SDES'], 'no REMB without received video');
    host.rtp('video', REMOTE_VIDEO, 1, 0, T0 + 600_000);
    host.rtp('video', REMOTE_VIDEO + 1, 1, 0, T0 + 610_000);
    host.advance(T0 + 1_500_000);
    const datagram = host.sent[1]!.datagram;
    assert.deepEqual(names(datagram), ['RR', 'XR', 'SDES', 'REMB']);
    assert.deepEqual(decodeRemb(only(datagram, 'REMB')), { senderSsrc: 1, bitrate: 2_500_000, ssrcs: [REMOTE_VIDEO, REMOTE_VIDEO + 1] });
    assert.equal(s.receiveFeedback().rembSent, 1);

    const none = new Host(session());
    none.rtp('video', REMOTE_VIDEO, 1, 0, T0 + 1000);
    none.advance(T0 + 500_000);
    assert.deepEqual(none.of('REMB'), []);
  });
});

describe('RTCP session: statistics', () => {
  it('counts each received stream and its bitrate between reports', () => {
    const s = session();
    const host = new Host(s);
    for (let i = 0; i <= 100; i++) {
      host.rtp('video', REMOTE_VIDEO, 1000 + i, i * 900, T0 + 490_000 + i * 10_000, { size: 1200 });
      if (i % 2 === 0) host.rtp('audio', REMOTE_AUDIO, 50 + i / 2, i * 480, T0 + 490_000 + i * 10_000, { size: 160, clockRate: 48000 });
    }
    host.rtp('video', REMOTE_VIDEO, 1050, 50 * 900, T0 + 1_495_000, { size: 1200, retransmission: true });
    host.advance(T0 + 1_500_000);
    const [video, audio] = s.receiveStats();
    assert.deepEqual(
      { ...video!, jitterMs: 0 },
      // The first packet of each source is on probation (RFC 3550 appendix A.1), not counted.
      // The first packet (490 ms) is on probation (RFC 3550 appendix A.1), not counted; the other
      // 100 and a duplicate retransmission fall in the second report's interval of exactly 1 s.
      { media: 'video', ssrc: REMOTE_VIDEO, packets: 101, bytes: 101 * 1200, bitrateBps: 101 * 1200 * 8, lost: -1, jitterMs: 0, retransmissionsReceived: 1 },
    );
    assert.deepEqual(
      { ...audio!, jitterMs: 0 },
      { media: 'audio', ssrc: REMOTE_AUDIO, packets: 50, bytes: 50 * 160, bitrateBps: 50 * 160 * 8, lost: 0, jitterMs: 0, retransmissionsReceived: 0 },
    );
    assert.equal(s.receiveFeedback().reportsSent, 2);
  });

  it('counts NACK, PLI and FIR the remote sent about our streams', () => {
    const s = session();
    s.setSendStream('video', OUR_VIDEO);
    s.setSendStream('audio', OUR_AUDIO);
    const pli = (media: number): Buffer => Buffer.from([0x81, 206, 0, 2, 0, 0, 0, 9, media >>> 24, (media >>> 16) & 255, (media >>> 8) & 255, media & 255]);
    // FIR (RFC 5104 section 4.3.1.1): media source SSRC 0, then (SSRC, seq) entries.
    const fir = Buffer.alloc(20);
    fir[0] = 0x84;
    fir[1] = 206;
    fir.writeUInt16BE(4, 2);
    fir.writeUInt32BE(9, 4);
    fir.writeUInt32BE(OUR_VIDEO, 12);
    fir[16] = 1;
    s.onRemoteRtcp(
      Buffer.concat([
        sansio.rtcpWriteReceiverReport(9, [])!,
        sansio.rtcpWriteGenericNack(9, OUR_VIDEO, [1, 2, 3])!,
        sansio.rtcpWriteGenericNack(9, OUR_AUDIO, [7])!,
        sansio.rtcpWriteGenericNack(9, 0x777, [7])!,
        pli(OUR_VIDEO),
        pli(0x777),
        fir,
      ]),
      T0,
      ntp(T0),
    );
    const { video, audio } = s.sendStats();
    assert.deepEqual([video!.nackReceived, video!.pliReceived, video!.firReceived], [1, 1, 1]);
    assert.deepEqual([audio!.nackReceived, audio!.pliReceived, audio!.firReceived], [1, 0, 0]);
    s.setSendStream('audio', null);
    assert.equal(s.sendStats().audio, null);
    s.setSendStream('video', OUR_VIDEO);
    assert.equal(s.sendStats().video!.nackReceived, 1, 'the same SSRC again keeps its counters');
    s.setSendStream('video', OUR_VIDEO + 1);
    assert.equal(s.sendStats().video!.nackReceived, 0, 'a new SSRC starts afresh');
  });

  it('rejects arguments of the wrong type', () => {
    assert.throws(() => new sansio.RtcpSession({ nack: 'yes' as unknown as boolean }), TypeError);
    assert.throws(() => new sansio.RtcpSession({ transportCcExtensionId: 0 }), TypeError);
    const s = session();
    assert.throws(() => s.setSendStream('data' as MediaKind, 1), TypeError);
    assert.throws(() => s.onReceivedRtp('video', 1, 70_000, 0, 90000, 100, T0), TypeError);
    assert.throws(() => s.poll(T0, 0 as unknown as bigint), TypeError);
    assert.doesNotThrow(() => s.onRemoteRtcp(Buffer.from([0x80, 201, 0, 9, 0, 0, 0, 1]), T0, ntp(T0)), 'a truncated datagram is ignored');
  });
});
