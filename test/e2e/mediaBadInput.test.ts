import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import wrtc from '@roamhq/wrtc';

import type { Gateway } from '../../src/Gateway.js';
import {
  inconsistentRtp,
  oversize,
  pacedSend,
  randomNonRtp,
  rtcpIntoRtpPort,
  rtcpWithRtpTypes,
  rtpWithWrongPayloadType,
  shuffle,
  truncatedRtcp,
  truncatedRtp,
} from '../helpers/badPackets.js';
import { createPeer } from '../helpers/dataPath.js';
import { answerNextCall, DecodedMedia } from '../helpers/decodedMedia.js';
import { startGatewayProcess } from '../helpers/gatewayProcesses.js';
import { GstPipeline, vp8Sender } from '../helpers/gstreamer.js';
import { mediaEvents, peerEvent } from '../helpers/media.js';
import { waitFor } from '../helpers/proc.js';
import { RawPeer } from '../helpers/signaling.js';
import { loadStockPeerjs, peerjsOptions, peerOpen } from '../helpers/stockPeerjs.js';
import { call, startTestGateway, type LogCapture } from '../helpers/testGateway.js';

type PeerCtor = Awaited<ReturnType<typeof loadStockPeerjs>>;

const PT = 96;

/** A real libwebrtc offer (sendrecv video, and the DataChannel section peerjs adds), to break in various ways. */
async function libwebrtcOffer(): Promise<string> {
  const pc = new (wrtc as any).RTCPeerConnection();
  try {
    pc.addTransceiver('video', { direction: 'sendrecv' });
    pc.createDataChannel('peerjs');
    const offer = await pc.createOffer();
    return offer.sdp as string;
  } finally {
    pc.close();
  }
}

const withoutLines = (sdp: string, pattern: RegExp): string =>
  sdp
    .split('\r\n')
    .filter((l) => !pattern.test(l))
    .join('\r\n');

describe('MediaConnections under bad input: garbage datagrams and rogue signaling are counted or refused, and a good call keeps decoding', () => {
  let Peer: PeerCtor;
  let gateway: Gateway;
  let base: string;
  let logs: LogCapture;
  let signalingBase: string;
  let browser: InstanceType<PeerCtor>;
  let sender: GstPipeline;
  const media = new DecodedMedia();
  /** The good call: the gateway sends 320x240 VP8 from GStreamer to the stock client. */
  let good: { id: string; video: { media_id: string; port: number }; rtcp: { rtcp_id: string; port: number } };
  const rogues: RawPeer[] = [];

  const transport = async (): Promise<Record<string, any>> => (await call(base, 'GET', `/media/connections/${good.id}/status`)).body.transport;
  const portStatus = async (path: string): Promise<Record<string, any>> => (await call(base, 'GET', path)).body;
  /** Waits for `n` more decoded frames than now, all 320x240. */
  const framesKeepComing = async (n: number, what: string): Promise<void> => {
    const from = media.frames.length;
    await waitFor(() => media.frames.length >= from + n, 20000, `${n} more decoded frames ${what}`);
    assert.deepEqual(media.sizes(), ['320x240']);
  };

  before(async () => {
    Peer = await loadStockPeerjs();
    // Short long-polls: a test asserts that no event comes by seeing a 408.
    ({ gateway, base, logs } = await startTestGateway({ logLevel: 'warn', eventTimeoutMs: 2000 }));
    signalingBase = `ws://127.0.0.1:${gateway.signaling!.address.port}/`;
    browser = new Peer('badbrowser', peerjsOptions(signalingBase));
    await peerOpen(browser);
    const caller = await createPeer(base, 'goodcaller');
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const rtcp = (await call(base, 'POST', '/media/rtcp', {})).body;
    const answered = answerNextCall(browser, media);
    const res = await call(base, 'POST', '/media/connections', {
      peer_id: caller.id,
      token: caller.token,
      target_id: 'badbrowser',
      constraints: {
        video: true,
        videoReceiveEnabled: false,
        audio: false,
        video_params: { codec: 'VP8', media_id: video.media_id, rtcp_id: rtcp.rtcp_id, payload_type: PT },
      },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    good = { id: res.body.params.media_connection_id, video, rtcp };
    await answered;
    assert.deepEqual(await mediaEvents(base, good.id, 'STREAM'), ['READY', 'STREAM']);
    // Long enough for every test of this file; stopped in after().
    sender = vp8Sender(video.port, { width: 320, height: 240, payloadType: PT, seconds: 90 });
    await waitFor(() => media.frames.length >= 20, 20000, 'the good call decodes its first 20 frames');
  });
  after(async () => {
    for (const r of rogues) r.close();
    await sender?.stop();
    media.stop();
    browser?.destroy();
    await gateway?.stop();
  });

  it('random bytes, truncated and inconsistent RTP, RTCP and wrong payload types into the media and RTCP ports are each counted and dropped; frames keep decoding', async () => {
    const before = await transport();
    const mediaPortBefore = await portStatus(`/media/${good.video.media_id}/status`);
    const rtcpPortBefore = await portStatus(`/media/rtcp/${good.rtcp.rtcp_id}/status`);
    assert.equal(before.outboundDropped, 0, 'the good stream alone drops nothing');

    const toMedia = shuffle([
      ...randomNonRtp(400),
      ...truncatedRtp(PT),
      ...inconsistentRtp(PT),
      ...rtcpIntoRtpPort(20),
      ...rtpWithWrongPayloadType(200, PT),
      Buffer.alloc(0),
      Buffer.alloc(0),
    ]);
    const mediaOversize = oversize(10);
    const toRtcp = shuffle([...randomNonRtp(100), ...truncatedRtcp(), ...rtcpWithRtpTypes(30)]);
    const rtcpOversize = oversize(5);
    const framesBefore = media.frames.length;
    const [blastMedia] = await Promise.all([
      pacedSend(good.video.port, shuffle([...toMedia, ...mediaOversize]), { batch: 20, intervalMs: 40 }),
      pacedSend(good.rtcp.port, shuffle([...toRtcp, ...rtcpOversize]), { batch: 10, intervalMs: 40 }),
    ]);
    const during = media.framesBetween(blastMedia.start, blastMedia.end).length;

    const expectedDrops = toMedia.length + toRtcp.length;
    await waitFor(async () => (await transport()).outboundDropped - before.outboundDropped >= expectedDrops, 10000, 'the drops counted');
    const afterBlast = await transport();
    const mediaPort = await portStatus(`/media/${good.video.media_id}/status`);
    const rtcpPort = await portStatus(`/media/rtcp/${good.rtcp.rtcp_id}/status`);
    const detail = JSON.stringify({ afterBlast, mediaPort, rtcpPort });
    assert.equal(mediaPort.kernel_drops ?? 0, 0, `nothing was lost before the gateway read it: ${detail}`);
    assert.equal(rtcpPort.kernel_drops ?? 0, 0, detail);
    // Every bad datagram is counted once, exactly: the good stream never adds to outboundDropped.
    assert.equal(afterBlast.outboundDropped - before.outboundDropped, expectedDrops, detail);
    assert.equal(mediaPort.dropped_oversize - mediaPortBefore.dropped_oversize, mediaOversize.length, detail);
    assert.equal(rtcpPort.dropped_oversize - rtcpPortBefore.dropped_oversize, rtcpOversize.length, detail);
    // The RTCP port got nothing but garbage: all of it read, none of it sent on.
    assert.equal(rtcpPort.packets - rtcpPortBefore.packets, toRtcp.length, detail);
    // What RTCP went to the remote was the gateway's own reports, none of the garbage.
    await waitFor(
      async () => (await transport()).rtcpSent === (await call(base, 'GET', `/media/connections/${good.id}/stats`)).body.feedback.reports_sent,
      5000,
      `only the gateway's own reports sent to the remote: ${detail}`,
    );
    assert.ok(mediaPort.packets - mediaPortBefore.packets >= toMedia.length, detail);
    // No bad packet passed for a new source of the stream, nor broke the transport.
    assert.equal(afterBlast.outboundSourceRestarts, before.outboundSourceRestarts, detail);
    assert.equal(afterBlast.sendDropped, before.sendDropped, detail);
    assert.ok(afterBlast.videoSent > before.videoSent, detail);

    // The call went on decoding while the garbage arrived (about 30 frames a second) and after it.
    assert.ok(during >= 0.3 * 30 * ((blastMedia.end - blastMedia.start) / 1000), `${during} frames decoded during the ${blastMedia.end - blastMedia.start} ms blast`);
    assert.ok(media.frames.length > framesBefore);
    await framesKeepComing(30, 'after the blast');
  });

  it('garbage at the call\'s ICE socket from an address ICE never checked is counted and dropped; frames keep decoding', async () => {
    const before = await transport();
    const socketPort = before.selectedLocal.port as number;
    // First bytes 4..255 (not STUN): dropped as an unauthenticated source, whatever they look like.
    const notStun = randomNonRtp(150).map((b) => {
      if (b[0]! <= 3) b[0] = 0xff;
      return b;
    });
    const srtpLike = rtpWithWrongPayloadType(50, PT).map((b) => Buffer.concat([b, Buffer.alloc(10)]));
    const dtlsLike = Array.from({ length: 50 }, (_, i) => Buffer.concat([Buffer.from([22, 0xfe, 0xfd]), Buffer.alloc(20 + i)]));
    // First bytes 0..3 (STUN's range) without STUN's magic cookie: malformed STUN.
    const badStun = randomNonRtp(50).map((b) => {
      const s = Buffer.concat([b, Buffer.alloc(24)]);
      s[0] = s[0]! & 0x03;
      s.writeUInt32BE(0xdeadbeef, 4);
      return s;
    });
    const window = await pacedSend(socketPort, shuffle([...notStun, ...srtpLike, ...dtlsLike, ...badStun]), { batch: 15, intervalMs: 40 });
    const expectedUnauthenticated = notStun.length + srtpLike.length + dtlsLike.length;
    await waitFor(
      async () => (await transport()).droppedUnauthenticatedSource - before.droppedUnauthenticatedSource >= expectedUnauthenticated,
      10000,
      'the stranger\'s datagrams counted',
    );
    const afterBlast = await transport();
    const detail = JSON.stringify(afterBlast);
    assert.equal(afterBlast.droppedUnauthenticatedSource - before.droppedUnauthenticatedSource, expectedUnauthenticated, detail);
    assert.equal(afterBlast.stunMalformed - before.stunMalformed, badStun.length, detail);
    assert.equal(afterBlast.droppedSrtpAuth, before.droppedSrtpAuth, detail);
    assert.equal(afterBlast.connected, true, detail);
    assert.deepEqual(afterBlast.selectedRemote, before.selectedRemote, 'the selected pair did not move to the stranger');
    assert.ok(media.framesBetween(window.start, window.end).length > 0, 'frames decoded during the blast');
    await framesKeepComing(30, 'after the stranger\'s datagrams');
  });

  it('a rogue peer\'s media OFFERs: malformed payloads are ignored, unusable SDP becomes a CALL whose answer is a 400 and an ERROR naming the problem; the good call carries on', async () => {
    const victim = await createPeer(base, 'victim');
    const rogue = await RawPeer.connect(signalingBase, { id: 'rogue', token: 'rogue-token', key: 'peerjs' });
    rogues.push(rogue);
    await rogue.waitFor((m) => m.type === 'OPEN');
    const offer = await libwebrtcOffer();
    assert.match(offer, /a=fingerprint:/);
    const offerMessage = (payload: unknown) => ({ type: 'OFFER', dst: victim.id, payload });
    const mediaOffer = (connectionId: string, sdp: unknown, metadata: unknown) => ({ sdp: { type: 'offer', sdp }, type: 'media', connectionId, metadata });

    // Payloads of the wrong shape or size: never a CALL.
    const malformed: [string, unknown][] = [
      ['sdp is a number', { sdp: 42, type: 'media', connectionId: 'mc_rogue1', metadata: 'sdp is a number' }],
      ['sdp.sdp is an array', mediaOffer('mc_rogue2', ['v=0'], 'sdp.sdp is an array')],
      ['sdp.type is answer', { sdp: { type: 'answer', sdp: offer }, type: 'media', connectionId: 'mc_rogue3', metadata: 'sdp.type is answer' }],
      ['connectionId is a number', mediaOffer(12345 as unknown as string, offer, 'connectionId is a number')],
      ['connectionId is empty', mediaOffer('', offer, 'connectionId is empty')],
      ['connectionId is huge', mediaOffer('mc_'.padEnd(5000, 'x'), offer, 'connectionId is huge')],
      ['huge sdp (100 kB)', mediaOffer('mc_rogue7', `${offer}${'a=x-junk:'.padEnd(100_000, 'y')}\r\n`, 'huge sdp')],
    ];
    const ignoredBefore = logs.records.filter((r) => r.msg === 'ignored a malformed media OFFER').length;
    for (const [, payload] of malformed) rogue.send(offerMessage(payload));
    // Not even media offers: null, a string, no type.
    for (const payload of [null, 'OFFER', 7, { sdp: { type: 'offer', sdp: offer }, connectionId: 'mc_rogue8' }]) rogue.send(offerMessage(payload));

    // Well-formed payloads whose SDP the gateway cannot use: a CALL each, refused on answer.
    const unusable: [string, string, RegExp][] = [
      ['garbage', 'this is not SDP\r\n\u0000\u0001\u00ff', /no m= section|cannot be parsed/],
      ['no m= lines', offer.split(/\r\nm=/)[0]!, /no m= section/],
      ['no fingerprint', withoutLines(offer, /^a=fingerprint:/), /no DTLS fingerprint/],
      ['no ICE credentials', withoutLines(offer, /^a=ice-(ufrag|pwd):/), /no ICE ufrag and password/],
      ['no rtcp-mux', withoutLines(offer, /^a=rtcp-mux/), /rtcp-mux/],
      ['a=setup:holdconn', offer.replace(/a=setup:actpass/g, 'a=setup:holdconn'), /a=setup:holdconn is not usable/],
      ['truncated', offer.slice(0, Math.floor(offer.indexOf('a=fingerprint:') - 1)), /no ICE ufrag|no DTLS fingerprint|no m= section/],
    ];
    for (const [i, [name, sdp]] of unusable.entries()) rogue.send(offerMessage(mediaOffer(`mc_unusable${i}`, sdp, name)));

    const answer = { constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8' } } };
    for (const [name, , reason] of unusable) {
      const callEvent = await peerEvent(victim, 'CALL');
      const id = callEvent.call_params.media_connection_id as string;
      const status = (await call(base, 'GET', `/media/connections/${id}/status`)).body;
      // Offers are handled in order: the first CALL is for the first unusable one, so no malformed payload made one.
      assert.deepEqual({ metadata: status.metadata, remote: status.remote_id, state: status.state }, { metadata: name, remote: 'rogue', state: 'offered' });
      const res = await call(base, 'POST', `/media/connections/${id}/answer`, answer);
      assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.command_type, 'MEDIA_CONNECTION_ANSWER');
      const error = res.body.params.errors[0];
      assert.equal(error.field, 'media_connection_id');
      assert.match(error.message, /the remote's offer is unusable/, name);
      assert.match(error.message, reason, name);
      const events = await mediaEvents(base, id, 'CLOSE');
      // One ERROR naming the problem, then CLOSE.
      assert.equal(events.length, 2, `${name}: ${events.join(', ')}`);
      assert.match(events[0]!, reason, `${name}: the ERROR names the problem`);
      assert.match(events[0]!, /^ERROR\(.+\)$/);
      assert.equal(events[1], 'CLOSE');
    }
    // No further CALL: the long-poll times out (408) instead.
    const more = await call(base, 'GET', `/peers/${victim.id}/events?token=${victim.token}`);
    assert.equal(more.status, 408, `no CALL for a malformed payload: ${JSON.stringify(more.body)}`);
    const ignored = logs.records.filter((r) => r.msg === 'ignored a malformed media OFFER').length - ignoredBefore;
    assert.equal(ignored, malformed.length, 'each malformed media OFFER is logged as ignored');

    // A codec the remote lacks is the user's choice to fix: 400, ERROR, and the call can still be answered.
    const noVp8 = offer.replace(/ VP8\/90000/g, ' FOO/90000');
    rogue.send(offerMessage(mediaOffer('mc_novp8', noVp8, 'no VP8')));
    const noVp8Call = (await peerEvent(victim, 'CALL')).call_params.media_connection_id as string;
    const refused = await call(base, 'POST', `/media/connections/${noVp8Call}/answer`, answer);
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(refused.body.params.errors[0].message, /the remote offers no VP8 for video/);
    const pending = (await call(base, 'GET', `/media/connections/${noVp8Call}/status`)).body;
    assert.equal(pending.state, 'offered', 'still answerable with another codec');
    assert.equal((await call(base, 'DELETE', `/media/connections/${noVp8Call}`)).status, 204);

    // A message past the signaling server's 256 KiB limit closes only the rogue's socket.
    const rogue2 = await RawPeer.connect(signalingBase, { id: 'rogue2', token: 'rogue2-token', key: 'peerjs' });
    rogues.push(rogue2);
    await rogue2.waitFor((m) => m.type === 'OPEN');
    rogue2.send(offerMessage(mediaOffer('mc_oversize', 'v'.repeat(300 * 1024), 'oversize')));
    await rogue2.waitClosed(5000);
    assert.equal(rogue.closed, false, 'the other rogue is still connected');

    // The gateway is up, the victim is still on the server, and the good call still decodes.
    const victimStatus = await call(base, 'GET', `/peers/${victim.id}/status?token=${victim.token}`);
    assert.deepEqual(victimStatus.body, { peer_id: victim.id, disconnected: false, refused_offers: {} });
    assert.equal((await call(base, 'GET', `/media/connections/${good.id}/status`)).body.open, true);
    await framesKeepComing(30, 'after the rogue offers');
  });

  it('a rogue callee\'s malformed ANSWER closes the gateway\'s call with an ERROR naming the problem; malformed ANSWER and CANDIDATE payloads are ignored', async () => {
    const caller = await createPeer(base, 'roguecaller');
    const rogue = await RawPeer.connect(signalingBase, { id: 'roguecallee', token: 'rc-token', key: 'peerjs' });
    rogues.push(rogue);
    await rogue.waitFor((m) => m.type === 'OPEN');
    const res = await call(base, 'POST', '/media/connections', {
      peer_id: caller.id,
      token: caller.token,
      target_id: 'roguecallee',
      constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8' } },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.params.media_connection_id as string;
    const offer = await rogue.waitFor((m) => m.type === 'OFFER' && m.src === caller.id, 10000);
    const connectionId = offer.payload.connectionId as string;
    assert.match(connectionId, /^mc_/);
    const to = (type: string, payload: unknown) => rogue.send({ type, dst: caller.id, payload });

    const warned = (msg: string) => logs.records.filter((r) => r.msg === msg).length;
    const [answersBefore, candidatesBefore] = [warned('ignored a malformed ANSWER'), warned('ignored a malformed CANDIDATE')];
    to('CANDIDATE', { candidate: 42, type: 'media', connectionId });
    to('CANDIDATE', { candidate: { candidate: 'candidate:garbage', sdpMid: '0', sdpMLineIndex: 0 }, type: 'media', connectionId });
    to('CANDIDATE', { candidate: { candidate: `candidate:1 1 udp 1 999.1.1.1 70000 typ host`, sdpMid: '0', sdpMLineIndex: 0 }, type: 'media', connectionId });
    to('ANSWER', { sdp: 'v=0', type: 'media', connectionId });
    to('ANSWER', { sdp: { type: 'offer', sdp: 'v=0' }, type: 'media', connectionId });
    await waitFor(() => warned('ignored a malformed ANSWER') - answersBefore === 2 && warned('ignored a malformed CANDIDATE') - candidatesBefore === 1, 5000, 'the malformed payloads logged');
    let status = (await call(base, 'GET', `/media/connections/${id}/status`)).body;
    assert.equal(status.state, 'connecting', 'still waiting for a usable answer');

    to('ANSWER', { sdp: { type: 'answer', sdp: 'v=0\r\ns=garbage\r\n' }, type: 'media', connectionId });
    const events = await mediaEvents(base, id, 'CLOSE');
    assert.deepEqual(events, ['ERROR(the description has no m= section)', 'CLOSE']);
    status = (await call(base, 'GET', `/media/connections/${id}/status`)).body;
    assert.deepEqual({ state: status.state, open: status.open }, { state: 'closed', open: false });

    // A second answer after that changes nothing, and the gateway and the good call are fine.
    to('ANSWER', { sdp: { type: 'answer', sdp: 'v=0' }, type: 'media', connectionId });
    assert.equal((await call(base, 'GET', `/media/connections/${good.id}/status`)).body.open, true);
    await framesKeepComing(30, 'after the rogue answers');
  });

  // In a gateway process of its own, so that a regression (an exception escaping the signaling
  // path) shows as a process exit rather than taking the shared test gateway down.
  it(
    'remote candidates the transport cannot use (an mDNS name as Chrome sends by default, a bad address, component 2, priority 0) are skipped: the answer succeeds and the gateway stays up',
    async () => {
      const start = 50100 + ((process.pid + 101) % 200) * 40;
      const g = await startGatewayProcess({ portMin: start, portMax: start + 9 });
      const rogue = await RawPeer.connect(g.signalingUrl, { id: 'mdnsrogue', token: 'm-token', key: 'peerjs' });
      try {
        await rogue.waitFor((m) => m.type === 'OPEN');
        const victim = await createPeer(g.api, 'mdnsvictim');
        const unusable = [
          'candidate:1 1 udp 2122260223 0b9e6fd6-9f6b-4a2c-8d5e-1c2e3f4a5b6c.local 54321 typ host',
          'candidate:2 1 udp 2122260223 999.1.1.1 54321 typ host',
          'candidate:3 2 udp 2122260222 127.0.0.1 54322 typ host',
          'candidate:4 1 udp 0 127.0.0.1 54323 typ host',
        ];
        const offer = (await libwebrtcOffer()).replace(/(a=mid:0\r\n)/, `$1${unusable.map((c) => `a=${c}\r\n`).join('')}`);
        rogue.send({ type: 'OFFER', dst: victim.id, payload: { sdp: { type: 'offer', sdp: offer }, type: 'media', connectionId: 'mc_mdns' } });
        const id = (await peerEvent(victim, 'CALL')).call_params.media_connection_id as string;
        const answered = await call(g.api, 'POST', `/media/connections/${id}/answer`, {
          constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8' } },
        });
        assert.equal(answered.status, 202, `unusable candidates in the offer: ${JSON.stringify(answered.body)}`);
        for (const candidate of unusable) {
          rogue.send({ type: 'CANDIDATE', dst: victim.id, payload: { candidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 }, type: 'media', connectionId: 'mc_mdns' } });
        }
        await new Promise((r) => setTimeout(r, 1000));
        assert.equal(g.process.child.exitCode, null, `the gateway process is up: ${g.process.stderr.slice(0, 300)}`);
        // Refused when parsed (src/sdp/candidateSdp.ts), not only caught when the native side throws.
        assert.deepEqual(g.process.logs.filter((l) => l.msg === 'remote candidate skipped'), []);
        const status = (await call(g.api, 'GET', `/media/connections/${id}/status`)).body;
        assert.equal(status.state, 'connecting', JSON.stringify(status));
        assert.equal((await call(g.api, 'DELETE', `/media/connections/${id}`)).status, 204);
      } finally {
        rogue.close();
        await g.stop().catch(() => undefined);
      }
    },
  );
});
