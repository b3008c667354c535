import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import wrtc from '@roamhq/wrtc';

import type { Gateway } from '../../src/Gateway.js';
import { DecodedMedia } from '../helpers/decodedMedia.js';
import { waitFor } from '../helpers/proc.js';
import { call, startTestGateway } from '../helpers/testGateway.js';
import { bindableByAnotherProcess } from '../helpers/udp.js';
import { gatheredLoopbackOffer } from '../helpers/wishOffer.js';
import { HEIGHT, sendFrames, videoSender, WIDTH, type WrtcPeerConnection } from '../helpers/wrtcVideo.js';

// WHEP players (draft-ietf-wish-whep-03 section 4.2) on libwebrtc: a recvonly transceiver,
// createOffer, wait for gathering, POST the offer with fetch, setRemoteDescription with the
// answer. Nothing of the gateway is imported into the players, only fetch.
//
// The input is real RTP at the endpoint's media port: a libwebrtc publisher's VP8, which a WHIP
// endpoint redirects there as plain RTP (this suite runs where GStreamer is not installed; the
// e2e suite feeds GStreamer's RTP to Chromium and webrtcbin players).

const PT = 96;



interface Player {
  pc: WrtcPeerConnection;
  media: DecodedMedia;
  /** The session URL (Location). */
  session: string;
  answer: string;
  /** The MediaStream ids libwebrtc gave the remote track (from our a=msid). */
  streamIds: string[];
}

describe('WHEP: libwebrtc players of one endpoint fed by RTP at its media port', () => {
  let gw: { gateway: Gateway; base: string };
  const cleanup: (() => void)[] = [];
  before(async () => {
    gw = await startTestGateway({ logLevel: 'warn' });
  });
  after(async () => {
    for (const f of cleanup.reverse()) f();
    await gw.gateway.stop();
  });

  async function play(url: string, token: string): Promise<Player> {
    const pc = new wrtc.RTCPeerConnection();
    cleanup.push(() => pc.close());
    const media = new DecodedMedia();
    cleanup.push(() => media.stop());
    const streamIds: string[] = [];
    pc.ontrack = ({ track, streams }: { track: unknown; streams: readonly { id: string }[] }) => {
      streamIds.push(...streams.map((st) => st.id));
      media.attach({ getTracks: () => [track] });
    };
    pc.addTransceiver('video', { direction: 'recvonly' });
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` }, body: await gatheredLoopbackOffer(pc) });
    assert.equal(res.status, 201);
    const answer = await res.text();
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    return { pc, media, session: new URL(res.headers.get('location')!, url).href, answer, streamIds };
  }

  it('every player decodes the one input; DELETE of one session frees its transport and leaves the other playing', async () => {
    const mediaPort = await call(gw.base, 'POST', '/media', { is_video: true });
    assert.equal(mediaPort.status, 201);
    const { media_id: mediaId, port } = mediaPort.body;
    const whep = await call(gw.base, 'POST', '/whep/endpoints', { video_params: { codec: 'VP8', media_id: mediaId, payload_type: PT } });
    assert.equal(whep.status, 201, JSON.stringify(whep.body));
    const { endpoint_id: id, url, token } = whep.body;

    const players = [await play(url, token), await play(url, token)];
    for (const p of players) {
      assert.match(p.answer, /^a=sendonly$/m);
      const msid = /^a=ssrc:\d+ msid:(\S+) \S+$/m.exec(p.answer);
      assert.ok(msid, 'the answer ties our SSRC to a stream');
      assert.deepEqual(p.streamIds, [msid[1]], 'libwebrtc put the track in the stream our msid names');
    }
    await waitFor(() => players.every((p) => p.pc.connectionState === 'connected'), 15000, 'both players connected');
    const states = async (): Promise<string[]> => (await call(gw.base, 'GET', `/whep/endpoints/${id}`)).body.sessions.map((s: { state: string }) => s.state);
    for (let i = 0; i < 50 && (await states()).join() !== 'open,open'; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await states(), ['open', 'open']);

    // The input: libwebrtc's VP8 as plain RTP with payload type PT to the media port.
    const whip = await call(gw.base, 'POST', '/whip/endpoints', { video_params: { codec: 'VP8', payload_type: PT }, redirect_params: { video: { ip_v4: '127.0.0.1', port } } });
    assert.equal(whip.status, 201, JSON.stringify(whip.body));
    const { pc: publisher, source } = videoSender(cleanup);
    sendFrames(source, cleanup);
    const published = await fetch(whip.body.url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${whip.body.token}` }, body: await gatheredLoopbackOffer(publisher) });
    assert.equal(published.status, 201);
    await publisher.setRemoteDescription({ type: 'answer', sdp: await published.text() });

    await waitFor(() => players.every((p) => p.media.frames.length >= 30), 15000, '30 decoded frames at each player');
    for (const p of players) assert.deepEqual(p.media.sizes(), [`${WIDTH}x${HEIGHT}`]);
    const portStats = await call(gw.base, 'GET', `/media/${mediaId}/status`);
    assert.ok(portStats.body.packets >= 30, `RTP came in at the media port: ${JSON.stringify(portStats.body)}`);

    const [gone, stays] = players as [Player, Player];
    const gonePort = Number(/^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/m.exec(gone.answer)![1]);
    assert.equal(await bindableByAnotherProcess(gonePort), false, 'the session holds its transport port');
    const deleted = await fetch(gone.session, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    assert.equal(deleted.status, 200);
    const deletedAt = Date.now();
    assert.equal(await bindableByAnotherProcess(gonePort), true, 'DELETE released the transport port');

    await waitFor(() => stays.media.framesBetween(deletedAt).length >= 30, 15000, '30 more frames at the remaining player');
    await new Promise((r) => setTimeout(r, 500));
    const goneSince = gone.media.framesBetween(deletedAt + 500).length;
    assert.ok(goneSince <= 1, `the deleted player decodes nothing more (${goneSince} frames)`);
    assert.deepEqual(await states(), ['closed', 'open']);
    console.log(`# frames decoded: deleted player ${gone.media.frames.length}, remaining player ${stays.media.frames.length}`);
  });
});
