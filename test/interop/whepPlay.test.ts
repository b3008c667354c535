import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import wrtc from '@roamhq/wrtc';

import type { Gateway } from '../../src/Gateway.js';
import { DecodedMedia } from '../helpers/decodedMedia.js';
import { waitFor } from '../helpers/proc.js';
import { call, startTestGateway } from '../helpers/testGateway.js';
import { bindableByAnotherProcess } from '../helpers/udp.js';
import { candidatePorts, clientIce, restartedAnswer, restartFragment, SDPFRAG, sdpValue } from '../helpers/wishIceRestart.js';
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

  /** The input: libwebrtc's VP8, which a WHIP endpoint redirects as plain RTP with payload type PT to `port`. */
  async function feed(port: number): Promise<void> {
    const whip = await call(gw.base, 'POST', '/whip/endpoints', { video_params: { codec: 'VP8', payload_type: PT }, redirect_params: { video: { ip_v4: '127.0.0.1', port } } });
    assert.equal(whip.status, 201, JSON.stringify(whip.body));
    const { pc: publisher, source } = videoSender(cleanup);
    sendFrames(source, cleanup);
    const published = await fetch(whip.body.url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${whip.body.token}` }, body: await gatheredLoopbackOffer(publisher) });
    assert.equal(published.status, 201);
    await publisher.setRemoteDescription({ type: 'answer', sdp: await published.text() });
  }

  /** A WHEP endpoint on a new video media port, fed by `feed`. */
  async function fedEndpoint(): Promise<{ id: string; url: string; token: string; mediaId: string; port: number }> {
    const mediaPort = await call(gw.base, 'POST', '/media', { is_video: true });
    assert.equal(mediaPort.status, 201);
    const { media_id: mediaId, port } = mediaPort.body;
    const whep = await call(gw.base, 'POST', '/whep/endpoints', { video_params: { codec: 'VP8', media_id: mediaId, payload_type: PT } });
    assert.equal(whep.status, 201, JSON.stringify(whep.body));
    return { id: whep.body.endpoint_id, url: whep.body.url, token: whep.body.token, mediaId, port };
  }

  it('every player decodes the one input; DELETE of one session frees its transport and leaves the other playing', async () => {
    const { id, url, token, mediaId, port } = await fedEndpoint();
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

    await feed(port);

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

  // RFC 9725 section 4.4 as draft-ietf-wish-whep takes it over: the player restarts, the
  // gateway's video goes on over the previous pair until the player has the new credentials,
  // then over a pair of the new generation.
  it('a player restarts ICE over PATCH (200, new credentials and ETag): it decodes on while restarting and over its new pair after', async () => {
    const { id, url, token, port } = await fedEndpoint();
    const player = await play(url, token);
    await feed(port);
    await waitFor(() => player.media.frames.length >= 30, 15000, '30 decoded frames before the restart');
    const statusPath = `/whep/endpoints/${id}/sessions/${player.session.split('/').pop()}/status`;
    const firstPorts = candidatePorts(player.pc.localDescription!.sdp);

    player.pc.restartIce();
    const restartOffer = await gatheredLoopbackOffer(player.pc);
    const newUfrag = sdpValue(restartOffer, 'a=ice-ufrag:');
    const newPorts = candidatePorts(player.pc.localDescription!.sdp);
    assert.ok(newPorts.length >= 1 && newPorts.every((p) => !firstPorts.includes(p)), `a new generation on new ports: ${firstPorts} -> ${newPorts}`);
    const patched = await fetch(player.session, { method: 'PATCH', headers: { 'content-type': SDPFRAG, authorization: `Bearer ${token}`, 'if-match': '*' }, body: restartFragment(restartOffer) });
    const fragment = await patched.text();
    assert.equal(patched.status, 200, fragment);
    assert.ok(patched.headers.get('etag'));
    assert.notEqual(sdpValue(fragment, 'a=ice-ufrag:'), sdpValue(player.answer, 'a=ice-ufrag:'));

    // The player has not got our answer yet: video goes on over the previous pair.
    const patchedAt = Date.now();
    await new Promise((r) => setTimeout(r, 2000));
    const during = (await call(gw.base, 'GET', statusPath)).body;
    const framesWhileRestarting = player.media.framesBetween(patchedAt).length;
    assert.ok(framesWhileRestarting >= 20, `frames decoded while restarting: ${framesWhileRestarting} in 2 s`);
    assert.equal(during.ice_restarts, 1);
    assert.equal(during.remote_ice_ufrag, newUfrag);
    assert.equal(during.transport.iceState, 'connected');
    assert.ok(firstPorts.includes(during.selected_candidate_pair.remote.port), `the previous pair meanwhile: ${JSON.stringify(during.selected_candidate_pair)}`);

    await player.pc.setRemoteDescription({ type: 'answer', sdp: restartedAnswer(player.answer, fragment) });
    await waitFor(async () => {
      const c = await clientIce(player.pc);
      return c.ufrag === newUfrag && c.state === 'connected' && newPorts.includes(c.localPort ?? -1);
    }, 10000, 'the player selects a pair of the new ICE generation');
    await waitFor(async () => (await call(gw.base, 'GET', statusPath)).body.transport.iceState === 'completed', 10000, 'the gateway nominates a new pair');
    const after = (await call(gw.base, 'GET', statusPath)).body;
    assert.ok(newPorts.includes(after.selected_candidate_pair.remote.port), `the gateway sends to a new candidate: ${JSON.stringify(after.selected_candidate_pair)} vs ${newPorts}`);
    assert.equal(after.state, 'open');
    assert.equal(after.transport.dtlsState, 'connected');

    const movedAt = Date.now();
    await waitFor(() => player.media.framesBetween(movedAt).length >= 30, 15000, '30 frames over the new pair');
    assert.deepEqual(player.media.sizes(), [`${WIDTH}x${HEIGHT}`]);
    console.log(`# WHEP restart: ${framesWhileRestarting} frames in the 2 s before the answer, ${player.media.frames.length} in all`);
    assert.equal((await fetch(player.session, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await call(gw.base, 'DELETE', `/whep/endpoints/${id}`)).status, 204);
  });
});
