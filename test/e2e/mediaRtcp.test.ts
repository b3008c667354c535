import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer } from '../helpers/dataPath.js';
import { answerNextCall, DecodedMedia } from '../helpers/decodedMedia.js';
import { GstPipeline, rtpbinVp8Sender } from '../helpers/gstreamer.js';
import { freeUdpPort, mediaEvents, peerEvent } from '../helpers/media.js';
import { waitFor } from '../helpers/proc.js';
import { RtcpTap } from '../helpers/rtcp.js';
import { loadStockPeerjs, peerjsOptions, peerOpen } from '../helpers/stockPeerjs.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

type PeerCtor = Awaited<ReturnType<typeof loadStockPeerjs>>;

/** RTP headers arriving at a redirect address: SSRC, payload type, timestamp and when. */
class RtpHeaders {
  readonly seen: { ssrc: number; payloadType: number; timestamp: number; at: number }[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('message', (m) => {
      if (m.length >= 12 && this.seen.length < 20000) {
        this.seen.push({ ssrc: m.readUInt32BE(8), payloadType: m[1]! & 0x7f, timestamp: m.readUInt32BE(4), at: Date.now() });
      }
    });
  }
  static async open(): Promise<RtpHeaders> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new RtpHeaders(socket);
  }
  get port(): number {
    return this.socket.address().port;
  }
  close(): void {
    this.socket.close();
  }
}

describe('RTCP through MediaConnections: the user\'s RTCP port, and RTCP from the remote at video_rtcp', () => {
  let Peer: PeerCtor;
  let a: Gateway;
  let aBase: string;
  let b: Gateway;
  let bBase: string;
  let browser: InstanceType<PeerCtor>;
  const pipelines: GstPipeline[] = [];
  const sockets: { close(): void }[] = [];
  const decoded: DecodedMedia[] = [];
  let calls = 0;

  before(async () => {
    Peer = await loadStockPeerjs();
    // Two gateways in this process: each half of the range startTestGateway gives this process.
    const start = 20000 + (process.pid % 300) * 100;
    ({ gateway: a, base: aBase } = await startTestGateway({ logLevel: 'warn', portMin: start, portMax: start + 49 }));
    const signalingUrl = `ws://127.0.0.1:${a.signaling!.address.port}/`;
    ({ gateway: b, base: bBase } = await startTestGateway({ logLevel: 'warn', portMin: start + 50, portMax: start + 99, signaling: undefined, signalingUrl }));
    browser = new Peer('rtcpbrowser', peerjsOptions(signalingUrl));
    await peerOpen(browser);
  });
  after(async () => {
    await Promise.all(pipelines.map((p) => p.stop()));
    for (const s of sockets) s.close();
    for (const d of decoded) d.stop();
    browser?.destroy();
    await b?.stop();
    await a?.stop();
  });

  /**
   * GStreamer's rtpbin sends VP8 (a keyframe only when asked) with RTCP through the RTCP port;
   * the gateway calls the stock client, whose RTCP comes back at video_rtcp and goes on to
   * rtpbin. The encoder's first keyframe is sent before the call exists, so libwebrtc decodes
   * nothing until a PLI of its makes the encoder send another.
   */
  async function keyframeOnRequest() {
    const peer = await createPeer(aBase, `rtcpcaller${++calls}`);
    const video = (await call(aBase, 'POST', '/media', { is_video: true })).body;
    const rtcp = (await call(aBase, 'POST', '/media/rtcp', {})).body;
    const up = await RtcpTap.open();
    up.forwardTo = rtcp.port;
    const down = await RtcpTap.open();
    down.forwardTo = await freeUdpPort();
    sockets.push(up, down);
    pipelines.push(
      rtpbinVp8Sender({ rtpPort: video.port, rtcpPort: up.port, rtcpListenPort: down.forwardTo, width: 320, height: 240, payloadType: 96, seconds: 40, keyframeEvery: 100000 }),
    );
    await waitFor(() => up.of('SR').length > 0, 10000, "rtpbin's first sender report");
    await waitFor(async () => (await call(aBase, 'GET', `/media/${video.media_id}/status`)).body.packets >= 30, 10000, 'a second of RTP at the media port');
    const encoderSsrc = up.of('SR')[0]!.senderSsrc;

    const media = new DecodedMedia();
    decoded.push(media);
    const answered = answerNextCall(browser, media);
    const res = await call(aBase, 'POST', '/media/connections', {
      peer_id: peer.id,
      token: peer.token,
      target_id: 'rtcpbrowser',
      constraints: {
        video: true,
        videoReceiveEnabled: false,
        audio: false,
        video_params: { codec: 'VP8', media_id: video.media_id, rtcp_id: rtcp.rtcp_id, payload_type: 96 },
      },
      redirect_params: { video_rtcp: { ip_v4: '127.0.0.1', port: down.port } },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.params.media_connection_id as string;
    await answered;
    // status.ssrc lists the stream from the call on.
    const gatewaySsrc = (await call(aBase, 'GET', `/media/connections/${id}/status`)).body.ssrc[0]?.ssrc as number;
    assert.ok(gatewaySsrc > 0 && gatewaySsrc !== encoderSsrc, 'the gateway sends with an SSRC of its own');
    assert.deepEqual(await mediaEvents(aBase, id, 'STREAM'), ['READY', 'STREAM']);
    const srsBeforeStream = up.of('SR').length;
    return { id, media, up, down, encoderSsrc, srsBeforeStream };
  }

  it("the stock client's RTCP (RR about our stream, PLI) arrives at video_rtcp naming the encoder's SSRC, so rtpbin sends the keyframe libwebrtc decodes; SRs reach the remote", async () => {
    const { id, media, up, down, encoderSsrc, srsBeforeStream } = await keyframeOnRequest();
    await waitFor(() => media.frames.length >= 30, 20000, '30 frames decoded after the PLI reached the encoder');
    assert.deepEqual(media.sizes(), ['320x240']);

    await waitFor(() => down.of('RR').length > 0 && down.of('PLI').length > 0, 10000, 'a receiver report and a PLI at video_rtcp');
    assert.equal(down.malformed, 0);
    const reported = down.of('RR').flatMap((rr) => rr.reportedSsrcs ?? []);
    assert.ok(reported.length > 0 && reported.every((s) => s === encoderSsrc), `the reports name the encoder's SSRC: ${reported}`);
    for (const pli of down.of('PLI')) assert.equal(pli.mediaSsrc, encoderSsrc);
    // Nothing is lost or duplicated on the way: one datagram out per RTCP datagram with video in
    // it, but for those the gateway handled whole (a NACK it answered, a repeated PLI it coalesced).
    await waitFor(
      async () => {
        const t = (await call(aBase, 'GET', `/media/connections/${id}/status`)).body.transport;
        return t.videoRtcpReceived - t.videoRtcpWithheld === down.datagrams;
      },
      5000,
      'videoRtcpReceived less videoRtcpWithheld to equal what arrived at video_rtcp',
    );

    // The gateway reports on its stream itself: rtpbin's SRs are replaced, not forwarded, and
    // libwebrtc's receiver reports echo the gateway's SRs, which gives the round-trip time.
    await waitFor(
      async () => {
        const status = (await call(aBase, 'GET', `/media/connections/${id}/status`)).body;
        const sent = status.stats.streams.find((s: { direction: string }) => s.direction === 'send');
        return status.transport.userSenderReportsReplaced > 0 && sent?.rtt_ms !== null && sent?.rtt_ms !== undefined;
      },
      15000,
      "rtpbin's SRs replaced and an RTT from the remote's reports on the gateway's SRs",
    );
    const status = (await call(aBase, 'GET', `/media/connections/${id}/status`)).body;
    const sent = status.stats.streams.find((s: { direction: string }) => s.direction === 'send');
    assert.ok(sent.rtt_ms >= 0 && sent.rtt_ms < 100, `loopback RTT ${sent.rtt_ms} ms`);
    assert.ok(sent.packets > 0 && sent.ssrc === status.ssrc[0].ssrc, JSON.stringify(sent));
    assert.ok(up.of('SR').length > srsBeforeStream, 'rtpbin sent SRs during the call');
    assert.equal(status.transport.outboundDropped, 0, JSON.stringify(status.transport));
    assert.equal((await call(aBase, 'DELETE', `/media/connections/${id}`)).status, 204);
  });

  it('gateway to gateway: the caller\'s SRs arrive at the callee\'s video_rtcp under the SSRC of the RTP, and each PLI the callee requests arrives once at the caller\'s video_rtcp', async () => {
    const caller = await createPeer(aBase, 'srcaller');
    const callee = await createPeer(bBase, 'srcallee');
    const video = (await call(aBase, 'POST', '/media', { is_video: true })).body;
    const rtcp = (await call(aBase, 'POST', '/media/rtcp', {})).body;
    const up = await RtcpTap.open();
    up.forwardTo = rtcp.port;
    const atCaller = await RtcpTap.open();
    const atCallee = await RtcpTap.open();
    const rtpAtCallee = await RtpHeaders.open();
    sockets.push(up, atCaller, atCallee, rtpAtCallee);

    const res = await call(aBase, 'POST', '/media/connections', {
      peer_id: caller.id,
      token: caller.token,
      target_id: callee.id,
      constraints: {
        video: true,
        videoReceiveEnabled: false,
        audio: false,
        video_params: { codec: 'VP8', media_id: video.media_id, rtcp_id: rtcp.rtcp_id, payload_type: 96 },
      },
      redirect_params: { video_rtcp: { ip_v4: '127.0.0.1', port: atCaller.port } },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const idA = res.body.params.media_connection_id as string;
    const idB = (await peerEvent(callee, 'CALL')).call_params.media_connection_id as string;
    const answered = await call(bBase, 'POST', `/media/connections/${idB}/answer`, {
      constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', payload_type: 100 } },
      redirect_params: { video: { ip_v4: '127.0.0.1', port: rtpAtCallee.port }, video_rtcp: { ip_v4: '127.0.0.1', port: atCallee.port } },
    });
    assert.equal(answered.status, 202, JSON.stringify(answered.body));
    assert.deepEqual(await mediaEvents(aBase, idA, 'STREAM'), ['READY', 'STREAM']);
    assert.deepEqual(await mediaEvents(bBase, idB, 'STREAM'), ['READY', 'STREAM']);
    const gatewaySsrc = (await call(aBase, 'GET', `/media/connections/${idA}/status`)).body.ssrc[0].ssrc as number;

    pipelines.push(rtpbinVp8Sender({ rtpPort: video.port, rtcpPort: up.port, width: 320, height: 240, payloadType: 96, seconds: 30 }));
    await waitFor(() => atCallee.of('SR').length >= 1 && rtpAtCallee.seen.length >= 30, 20000, 'an SR and RTP at the callee');
    const encoderSsrc = up.of('SR')[0]!.senderSsrc;
    assert.notEqual(encoderSsrc, gatewaySsrc);
    const sr = atCallee.of('SR')[0]!;
    assert.equal(sr.senderSsrc, gatewaySsrc, 'the SR names the SSRC the RTP arrives with');
    assert.ok(rtpAtCallee.seen.every((p) => p.ssrc === gatewaySsrc && p.payloadType === 100));
    assert.ok(atCallee.of('SDES').every((p) => p.senderSsrc === gatewaySsrc), "SDES describes the gateway's source");
    assert.deepEqual(atCallee.names().filter((n) => n !== 'SR' && n !== 'SDES'), [], "only the caller's reports");
    // The SR's RTP timestamp is on the RTP stream's clock: within a second of what arrived then.
    const near = rtpAtCallee.seen.reduce((best, p) => (Math.abs(p.at - sr.at) < Math.abs(best.at - sr.at) ? p : best));
    const ticks = Math.abs(((sr.rtpTimestamp! - near.timestamp) << 0));
    assert.ok(ticks < 90000, `SR timestamp ${sr.rtpTimestamp} vs RTP ${near.timestamp}`);

    // The callee asks for keyframes. Requests further apart than the caller's coalescing
    // interval (500 ms) each reach the caller's encoder; a burst of them reaches it once.
    const coalesced = async () => (await call(aBase, 'GET', `/media/connections/${idA}/status`)).body.transport.keyframeRequestsCoalesced as number;
    const plisSent = async () =>
      (await call(bBase, 'GET', `/media/connections/${idB}/stats`)).body.streams.find((s: { direction: string }) => s.direction === 'receive').pli_sent as number;
    await new Promise((r) => setTimeout(r, 600));
    const before = atCaller.of('PLI').length;
    const coalescedBefore = await coalesced();
    for (let i = 0; i < 3; i++) {
      const pli = await call(bBase, 'POST', `/media/connections/${idB}/pli`, { ip_v4: '127.0.0.1', port: 9 });
      assert.equal(pli.status, 201, JSON.stringify(pli.body));
      await new Promise((r) => setTimeout(r, 600));
    }
    await waitFor(() => atCaller.of('PLI').length >= before + 3, 5000, 'three spaced PLIs at the caller');
    for (let i = 0; i < 3; i++) assert.equal((await call(bBase, 'POST', `/media/connections/${idB}/pli`, { ip_v4: '127.0.0.1', port: 9 })).status, 201);
    await waitFor(async () => (await coalesced()) === coalescedBefore + 2, 5000, 'two of a burst of three PLIs coalesced');
    assert.equal(atCaller.of('PLI').length, before + 4);
    // Every PLI the callee sent either reached the encoder or was coalesced.
    assert.equal(await plisSent(), atCaller.of('PLI').length + (await coalesced()));
    // Each names the caller's encoder, which is what rtpbin answers to, and comes from the SSRC of the callee's reports.
    const reporter = atCaller.of('RR')[0]!.senderSsrc;
    for (const pli of atCaller.of('PLI')) assert.deepEqual({ media: pli.mediaSsrc, sender: pli.senderSsrc }, { media: encoderSsrc, sender: reporter });
    const reported = atCaller.of('RR').flatMap((rr) => rr.reportedSsrcs ?? []);
    assert.ok(reported.length > 0 && reported.every((s) => s === encoderSsrc), `the callee's reports name the encoder: ${reported}`);
    assert.deepEqual([...new Set(atCaller.names())].sort(), ['PLI', 'RR', 'SDES', 'XR'], "the callee's own RTCP: reports and keyframe requests");

    // Counters agree end to end: what A sent, B received, and the reverse.
    await waitFor(
      async () => {
        const ta = (await call(aBase, 'GET', `/media/connections/${idA}/status`)).body.transport;
        const tb = (await call(bBase, 'GET', `/media/connections/${idB}/status`)).body.transport;
        return (
          ta.rtcpSent === tb.rtcpReceived &&
          tb.videoRtcpReceived === atCallee.datagrams &&
          tb.videoRtcpWithheld === 0 &&
          tb.rtcpSent === ta.rtcpReceived &&
          // The callee sends each PLI alone (reduced size), so a coalesced one leaves nothing to forward.
          ta.videoRtcpWithheld >= 2 &&
          ta.videoRtcpReceived - ta.videoRtcpWithheld === atCaller.datagrams
        );
      },
      5000,
      'RTCP counters that agree on both gateways',
    );

    assert.equal((await call(aBase, 'DELETE', `/media/connections/${idA}`)).status, 204);
    assert.ok((await mediaEvents(bBase, idB, 'CLOSE')).includes('CLOSE'));
  });
});
