import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadTestAddon } from '../../helpers/native/testAddon.js';
import type { RawMediaSessionOutput, RawSansIoFanoutSource, RawSansIoMediaSession } from '../../helpers/native/sansIoMediaTypes.js';
import { parseRtcp } from '../../helpers/rtcp.js';
import { pictureLossIndication as pli, receiverReport, rtcpPacket, rtpPacket, senderReport } from '../../support/rtpPackets.js';

const { sansio } = loadTestAddon();

// Our streams, as SDP announced them, and what the user's sender uses instead.
const VIDEO = { ssrc: 0xa1a1a1a1, payloadType: 96, inputPayloadType: 100, clockRate: 90000, nack: true, rtxSsrc: 0xa2a2a2a2, rtxPayloadType: 97 };
const AUDIO = { ssrc: 0xb1b1b1b1, payloadType: 111, inputPayloadType: 111, clockRate: 48000 };
const USER_VIDEO_SSRC = 0x11110000;
const REMOTE_SENDER = 0x77777777;
// The user's addresses: RTP and RTCP per medium.
const USER = { videoRtp: 5000, videoRtcp: 5001, audioRtp: 5002, audioRtcp: 5003 };

const rtp = (payloadType: number, seq: number, timestamp: number, ssrc: number, payload = Buffer.from(`frame ${seq}`)) =>
  rtpPacket({ payloadType, seq, timestamp, ssrc, payload });
/** An SDES chunk with no items (RFC 3550 section 6.5): the source, then the null end. */
const sdes = (ssrc: number) => rtcpPacket(202, 1, ssrc, Buffer.alloc(4));
const fields = (b: Buffer) => ({ pt: b[1]! & 0x7f, seq: b.readUInt16BE(2), ssrc: b.readUInt32BE(8) });

const toPeer = (out: RawMediaSessionOutput[], kind: 'rtp' | 'rtcp') => out.filter((o) => o.to === 'peer' && o.kind === kind).map((o) => o.data);
const toUser = (out: RawMediaSessionOutput[], port: number) => out.filter((o) => o.to === 'user' && o.ip === '127.0.0.1' && o.port === port).map((o) => o.data);

/** A session sending video (NACK + RTX) from `source`, with the user's RTCP address for video. */
function videoSender(source = new sansio.FanoutSource(), rtcpPort = USER.videoRtcp): RawSansIoMediaSession {
  const s = new sansio.MediaSession({ receiverSsrc: 0x5555, rtxFirstSequence: 7000 });
  s.setOutboundStream('video', VIDEO);
  s.setSource('video', source);
  s.setRedirect('rtcp', 'video', '127.0.0.1', rtcpPort);
  return s;
}
/** The user's video packets `seqs` through the port's fan-out source into every session it feeds. */
function sendUserVideo(source: RawSansIoFanoutSource, sessions: RawSansIoMediaSession[], seqs: number[], nowUs: number) {
  for (const seq of seqs) {
    assert.notEqual(source.ingest(rtp(VIDEO.inputPayloadType, seq, seq * 3000, USER_VIDEO_SSRC), nowUs), null);
    for (const s of sessions) s.onUserRtp('video', source, nowUs);
  }
}

describe('MediaSession (native/core/media/MediaSession): outbound', () => {
  it("rewrites the user's RTP into our stream, parsed once by the port's fan-out source", () => {
    const source = new sansio.FanoutSource();
    const s = videoSender(source);
    sendUserVideo(source, [s], [500, 501], 0);
    const sent = toPeer(s.takeOutput(), 'rtp');
    assert.deepEqual(sent.map(fields), [
      { pt: 96, seq: 500, ssrc: VIDEO.ssrc },
      { pt: 96, seq: 501, ssrc: VIDEO.ssrc },
    ]);
    assert.equal(sent[1]!.subarray(12).toString(), 'frame 501');
    assert.equal(s.routingStats().videoSent, 2);
    // A datagram of another payload type is not sent (and counted), whoever parsed it.
    s.onUserRtp('video', rtp(101, 502, 0, USER_VIDEO_SSRC), 0);
    assert.deepEqual(s.takeOutput(), []);
    assert.equal(s.routingStats().outboundDropped, 1);
  });

  it("strips the user's SRs from their RTCP and counts them; the rest goes to the peer in our SSRC", () => {
    const s = videoSender();
    s.onUserRtcp('video', Buffer.concat([senderReport(USER_VIDEO_SSRC, 1234), sdes(USER_VIDEO_SSRC)]));
    const [rtcp, ...more] = toPeer(s.takeOutput(), 'rtcp');
    assert.equal(more.length, 0);
    assert.deepEqual(parseRtcp(rtcp!)!.map((p) => [p.type, p.senderSsrc]), [[202, VIDEO.ssrc]], 'the SDES only, in our SSRC');
    assert.equal(s.routingStats().userSenderReportsReplaced, 1);
    // An SR alone leaves nothing to send.
    s.onUserRtcp('video', senderReport(USER_VIDEO_SSRC, 5678));
    assert.deepEqual(s.takeOutput(), []);
    assert.equal(s.routingStats().userSenderReportsReplaced, 2);
  });

  it('passes RTCP unchanged without a stream of ours (receive only), and drops what is not RTCP', () => {
    const s = new sansio.MediaSession();
    const rr = receiverReport(USER_VIDEO_SSRC, [0x1234]);
    s.onUserRtcp('video', rr);
    assert.deepEqual(toPeer(s.takeOutput(), 'rtcp'), [rr]);
    s.onUserRtcp('video', Buffer.from('not rtcp at all'));
    assert.deepEqual(s.takeOutput(), []);
    assert.equal(s.routingStats().outboundDropped, 1);
  });
});

describe('MediaSession: the remote peer feedback the gateway handles itself', () => {
  /** Two connections fed by one port (fan-out), its user's sender started; RTCP to ports 5001 and 6001. */
  function twoViewersOfOneSource() {
    const source = new sansio.FanoutSource();
    const a = videoSender(source, 5001);
    const b = videoSender(source, 6001);
    sendUserVideo(source, [a, b], [500], 0);
    a.takeOutput();
    b.takeOutput();
    return { source, a, b };
  }

  it("answers a NACK from the fan-out source's packets as RTX and withholds it from the user (rtcpWithheld)", () => {
    const source = new sansio.FanoutSource();
    const s = videoSender(source);
    sendUserVideo(source, [s], [500, 501, 502, 503], 1000);
    s.takeOutput();
    assert.ok(source.hasPacket(502), 'the source keeps what the user sent, once for all its connections');
    const nack = sansio.rtcpWriteGenericNack(REMOTE_SENDER, VIDEO.ssrc, [502])!;
    s.onPeerRtcp(nack, 200_000);
    const out = s.takeOutput();
    const [rtx, ...more] = toPeer(out, 'rtp');
    assert.equal(more.length, 0);
    // RFC 4588 section 4: our RTX SSRC, payload type and sequence, then the original sequence number.
    assert.deepEqual(fields(rtx!), { pt: VIDEO.rtxPayloadType, seq: 7000, ssrc: VIDEO.rtxSsrc });
    assert.equal(rtx!.readUInt16BE(12), 502);
    assert.equal(rtx!.subarray(14).toString(), 'frame 502');
    assert.deepEqual(toUser(out, USER.videoRtcp), [], 'the user never hears of the loss');
    assert.equal(s.routingStats().videoRtcpWithheld, 1);
    assert.equal(s.routingStats().videoRtcpReceived, 1);
    assert.equal(s.mediaStats().send[0]!.retransmittedPackets, 1);
  });

  it('lets the rest of a datagram with an answered NACK reach the user, in terms of their own sender', () => {
    const source = new sansio.FanoutSource();
    const s = videoSender(source);
    sendUserVideo(source, [s], [500, 501], 1000);
    s.takeOutput();
    s.onPeerRtcp(Buffer.concat([receiverReport(REMOTE_SENDER, [VIDEO.ssrc]), sansio.rtcpWriteGenericNack(REMOTE_SENDER, VIDEO.ssrc, [501])!]), 200_000);
    const out = s.takeOutput();
    assert.equal(toPeer(out, 'rtp').length, 1, 'the NACK is answered');
    const [forUser, ...more] = toUser(out, USER.videoRtcp);
    assert.equal(more.length, 0);
    assert.deepEqual(parseRtcp(forUser!)!.map((p) => [p.type, p.reportedSsrcs]), [[201, [USER_VIDEO_SSRC]]], 'the RR only, about the user SSRC');
    assert.equal(s.routingStats().videoRtcpWithheld, 0);
  });

  it('lets one PLI per interval through to the user for all the connections one fan-out source feeds', () => {
    const { source, a, b } = twoViewersOfOneSource();
    a.onPeerRtcp(pli(REMOTE_SENDER, VIDEO.ssrc), 1_000_000);
    const forwarded = toUser(a.takeOutput(), 5001);
    assert.equal(forwarded.length, 1);
    assert.deepEqual(parseRtcp(forwarded[0]!)!.map((p) => [p.type, p.count, p.mediaSsrc]), [[206, 1, USER_VIDEO_SSRC]], "a PLI for the user's own sender");
    // The other viewer asks 100 ms later: the keyframe on its way answers it too.
    b.onPeerRtcp(pli(REMOTE_SENDER, VIDEO.ssrc), 1_100_000);
    assert.deepEqual(b.takeOutput(), []);
    assert.equal(b.routingStats().keyframeRequestsCoalesced, 1);
    assert.equal(b.routingStats().videoRtcpWithheld, 1);
    assert.deepEqual(source.keyframeRequests(), { forwarded: 1, coalesced: 1 });
    // After the interval (500 ms) the next request goes through again.
    b.onPeerRtcp(pli(REMOTE_SENDER, VIDEO.ssrc), 1_600_000);
    assert.equal(toUser(b.takeOutput(), 6001).length, 1);
    assert.deepEqual(source.keyframeRequests(), { forwarded: 2, coalesced: 1 });
  });

  it('asks the user for a keyframe through the gate when a connection joins a running source', () => {
    const { a, b } = twoViewersOfOneSource();
    a.onConnected(2_000_000);
    assert.deepEqual(parseRtcp(toUser(a.takeOutput(), 5001)[0]!)!.map((p) => [p.type, p.mediaSsrc]), [[206, USER_VIDEO_SSRC]]);
    b.onConnected(2_010_000);
    assert.deepEqual(toUser(b.takeOutput(), 6001), [], 'coalesced with the first');
    assert.equal(a.routingStats().keyframeRequestsForwarded, 1);
    assert.equal(b.routingStats().keyframeRequestsCoalesced, 1);
  });
});

describe('MediaSession: inbound', () => {
  function receiver(): RawSansIoMediaSession {
    const s = new sansio.MediaSession({ receiverSsrc: 0x5555 });
    s.setOutboundStream('video', VIDEO);
    s.setOutboundStream('audio', AUDIO);
    s.setInboundRoutes([
      { payloadType: 96, media: 'video', redirectPayloadType: 100 },
      { payloadType: 111, media: 'audio', clockRate: 48000 },
    ]);
    for (const [kind, rtpPort, rtcpPort] of [['video', USER.videoRtp, USER.videoRtcp], ['audio', USER.audioRtp, USER.audioRtcp]] as const) {
      s.setRedirect('rtp', kind, '127.0.0.1', rtpPort);
      s.setRedirect('rtcp', kind, '127.0.0.1', rtcpPort);
    }
    return s;
  }

  it('routes RTP by payload type to the user address of its medium, in the user payload type', () => {
    const s = receiver();
    s.onPeerRtp(rtp(96, 10, 0, 0x1234), 0);
    s.onPeerRtp(rtp(111, 20, 0, 0x2345), 0);
    const out = s.takeOutput();
    assert.deepEqual(toUser(out, USER.videoRtp).map(fields), [{ pt: 100, seq: 10, ssrc: 0x1234 }]);
    assert.deepEqual(toUser(out, USER.audioRtp).map(fields), [{ pt: 111, seq: 20, ssrc: 0x2345 }]);
    const stats = s.routingStats();
    assert.deepEqual([stats.videoReceived, stats.audioReceived], [1, 1]);
  });

  it('reads the padding SRTP left unread, and drops a packet whose padding does not fit it', () => {
    const s = receiver();
    // RFC 3550 section 5.1: P set, the last byte counts the padding bytes (itself included).
    const padded = rtpPacket({ payloadType: 96, seq: 10, timestamp: 0, ssrc: 0x1234, payload: Buffer.from([1, 2, 3]), padding: 3 });
    s.onPeerRtp(padded, 0);
    assert.deepEqual(toUser(s.takeOutput(), USER.videoRtp).map((d) => d.subarray(12)), [Buffer.from([1, 2, 3, 0, 0, 3])]);
    const overlong = Buffer.from(padded);
    overlong[overlong.length - 1] = 7;
    s.onPeerRtp(overlong, 0);
    assert.deepEqual(s.takeOutput(), []);
    assert.equal(s.routingStats().droppedMalformedMedia, 1);
  });

  it('sends the peer a PLI for each new remote video SSRC once connected, not for every packet', () => {
    const s = receiver();
    s.onPeerRtp(rtp(96, 10, 0, 0x1234), 0);
    assert.deepEqual(toPeer(s.takeOutput(), 'rtcp'), [], 'not before the transport has keys');
    s.onConnected(1000);
    s.takeOutput();
    s.onPeerRtp(rtp(96, 11, 0, 0x1234), 2000);
    assert.deepEqual(toPeer(s.takeOutput(), 'rtcp'), [], 'the same source: no new request');
    s.onPeerRtp(rtp(96, 500, 0, 0x9876), 3000);
    const plis = toPeer(s.takeOutput(), 'rtcp').map((d) => parseRtcp(d)!);
    assert.deepEqual(plis, [[{ type: 206, count: 1, senderSsrc: VIDEO.ssrc, mediaSsrc: 0x9876, size: 12 }]]);
    assert.equal(s.mediaStats().receiveFeedback.pliSent, 1);
  });

  it("splits the peer's RTCP by the stream each packet is about and sends each part to that medium's user address", () => {
    const s = receiver();
    s.expectRemoteSsrc(0x1234, 'video');
    s.expectRemoteSsrc(0x2345, 'audio');
    // An SR of the remote's audio sender and an RR about our video, in one compound.
    s.onPeerRtcp(Buffer.concat([senderReport(0x2345, 99), receiverReport(0x1234, [VIDEO.ssrc])]), 0);
    const out = s.takeOutput();
    assert.deepEqual(toUser(out, USER.audioRtcp).map((d) => parseRtcp(d)!.map((p) => [p.type, p.senderSsrc])), [[[200, 0x2345]]]);
    assert.deepEqual(toUser(out, USER.videoRtcp).map((d) => parseRtcp(d)!.map((p) => [p.type, p.reportedSsrcs])), [[[201, [VIDEO.ssrc]]]]);
    assert.deepEqual(toUser(out, USER.videoRtp), []);
    const stats = s.routingStats();
    assert.deepEqual([stats.videoRtcpReceived, stats.audioRtcpReceived, stats.videoRtcpWithheld], [1, 1, 0]);
  });
});

describe('MediaSession: its RTCP schedule (nextTimeout)', () => {
  const T0 = 10_000_000;
  const NTP_AT_T0 = 0xe000_0000_0000_0000n;

  it('has nothing due before the transport connects, then polls its RTCP on time, from one clock', () => {
    const source = new sansio.FanoutSource();
    const s = new sansio.MediaSession({ receiverSsrc: 0x5555, ntpAnchorUs: T0, ntpAnchor: NTP_AT_T0 });
    s.setOutboundStream('video', VIDEO);
    s.setSource('video', source);
    assert.equal(s.nextTimeout(), null);
    s.setFeedback({ nack: true }, T0);
    assert.equal(s.nextTimeout(), null, 'not connected: nothing to schedule');
    sendUserVideo(source, [s], [500], T0);
    s.takeOutput();
    s.onConnected(T0);
    assert.equal(s.nextTimeout(), T0, 'due at once');
    s.handleTimeout(T0 - 1);
    assert.equal(s.nextTimeout(), T0, 'a timeout before the deadline changes nothing');
    s.handleTimeout(T0);
    assert.deepEqual(s.takeOutput(), [], 'the first report waits half an interval (RFC 3550 section 6.2)');
    assert.equal(s.nextTimeout(), T0 + 500_000);
    s.handleTimeout(T0 + 500_000);
    const [report, ...more] = toPeer(s.takeOutput(), 'rtcp');
    assert.equal(more.length, 0);
    const packets = parseRtcp(report!)!;
    assert.deepEqual(packets.map((p) => [p.type, p.senderSsrc]), [[200, VIDEO.ssrc], [202, VIDEO.ssrc]]);
    // The SR's NTP time moved on from the anchor by exactly the monotonic time elapsed: 0.5 s.
    assert.equal(report!.readBigUInt64BE(8), NTP_AT_T0 + 0x8000_0000n);
    assert.equal(s.nextTimeout(), T0 + 1_500_000, 'then every interval');
    s.onDisconnected();
    assert.equal(s.nextTimeout(), null);
    s.handleTimeout(T0 + 2_000_000);
    assert.deepEqual(s.takeOutput(), []);
  });

  it('moves the deadline earlier when a received packet gives its RTCP new work (a gap to NACK)', () => {
    const s = new sansio.MediaSession({ receiverSsrc: 0x5555 });
    s.setInboundRoutes([{ payloadType: 96, media: 'video' }]);
    s.setFeedback({ nack: true }, 0);
    s.onConnected(T0);
    s.handleTimeout(T0);
    assert.equal(s.nextTimeout(), T0 + 500_000);
    s.onPeerRtp(rtp(96, 100, 0, 0x1234), T0 + 1000);
    s.onPeerRtp(rtp(96, 103, 0, 0x1234), T0 + 2000);
    s.takeOutput();
    const next = s.nextTimeout()!;
    assert.ok(next < T0 + 500_000, `the NACK is due before the report (${next - T0} µs after T0)`);
    s.handleTimeout(next);
    const nacks = toPeer(s.takeOutput(), 'rtcp').flatMap((d) => parseRtcp(d)!).filter((p) => p.type === 205 && p.count === 1);
    assert.deepEqual(nacks.map((p) => p.mediaSsrc), [0x1234]);
  });
});
