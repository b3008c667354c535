import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import wrtc from '@roamhq/wrtc';

import type { Gateway } from '../../src/Gateway.js';
import { parseIceServerUrl, type IceServerUrl } from '../../src/session/ice/IceServerUrl.js';
import { waitFor } from '../helpers/proc.js';
import { allocatedFor, startRelayGateway, type RelayGateway } from '../helpers/relayGateway.js';
import { call, startTestGateway } from '../helpers/testGateway.js';
import { vp8WhipEndpoint } from '../helpers/whipEndpoint.js';
import { gatheredLoopbackOffer, opusSendonlyOffer } from '../helpers/wishOffer.js';
import { sendFrames, videoSender } from '../helpers/wrtcVideo.js';

// A gateway with ice_transport_policy relay may be reached through its TURN server only, and a
// WHIP/WHEP server cannot trickle its candidates (RFC 9725 section 4.2): its session allocates
// on the TURN server (credentials minted for the endpoint) and its answer waits for the relay
// candidate. A TURN server that refuses leaves nothing to answer with: 503, said why.

const SECRET = 'interop-wish-relay-secret';
const VIDEO_PT = 100;

const isRtp = (p: Buffer): boolean => p.length >= 12 && p[0]! >> 6 === 2 && !(p[1]! >= 200 && p[1]! <= 207);
const candidateLines = (sdp: string): string[] => sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'));

describe('WHIP and WHEP on a gateway with ice_transport_policy relay (coturn, turn_secret)', () => {
  let relay: RelayGateway;
  let refusing: { gateway: Gateway; base: string } | undefined;
  const cleanup: (() => void)[] = [];
  before(async () => {
    relay = await startRelayGateway(SECRET);
  });
  after(async () => {
    for (const f of cleanup.reverse()) f();
    await refusing?.gateway.stop();
    await relay?.stop();
  });

  it('a libwebrtc publisher reaches the session through its TURN allocation: relay candidates only in the answer, VP8 at the redirect, a relay pair in the status', async () => {
    const { id, url, token, redirect } = await vp8WhipEndpoint(relay.base, VIDEO_PT, cleanup);

    const { pc, source } = videoSender(cleanup);
    sendFrames(source, cleanup);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` }, body: await gatheredLoopbackOffer(pc) });
    const answer = await res.text();
    assert.equal(res.status, 201, answer);
    const candidates = candidateLines(answer);
    assert.ok(candidates.length > 0, `the answer waited for the relay candidate: ${answer}`);
    for (const c of candidates) assert.match(c, / 127\.0\.0\.1 \d+ typ relay /, 'only candidates on the TURN server');
    await relay.coturn.waitForLog(allocatedFor(id));

    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await waitFor(() => redirect.packets.filter(isRtp).length >= 60, 10000, '60 RTP packets at the redirect');
    assert.ok(redirect.packets.filter(isRtp).every((p) => (p[1]! & 0x7f) === VIDEO_PT), 'the user\'s payload type');
    const sessionId = res.headers.get('location')!.split('/').pop();
    const status = (await call(relay.base, 'GET', `/whip/endpoints/${id}/sessions/${sessionId}/status`)).body;
    assert.equal(status.state, 'open');
    assert.equal(status.selected_candidate_pair?.local.type, 'relay', JSON.stringify(status.selected_candidate_pair));
    assert.equal(status.selected_candidate_pair.local.url, relay.turnUrl);
    assert.equal((await fetch(new URL(res.headers.get('location')!, url), { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await call(relay.base, 'DELETE', `/whip/endpoints/${id}`)).status, 204);
  });

  it('a libwebrtc WHEP player connects through the allocation of its session as well', async () => {
    const mediaPort = await call(relay.base, 'POST', '/media', { is_video: true });
    assert.equal(mediaPort.status, 201);
    const created = await call(relay.base, 'POST', '/whep/endpoints', { video_params: { codec: 'VP8', media_id: mediaPort.body.media_id, payload_type: VIDEO_PT } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { endpoint_id: id, url, token } = created.body;
    const pc = new wrtc.RTCPeerConnection();
    cleanup.push(() => pc.close());
    pc.addTransceiver('video', { direction: 'recvonly' });
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` }, body: await gatheredLoopbackOffer(pc) });
    const answer = await res.text();
    assert.equal(res.status, 201, answer);
    assert.ok(candidateLines(answer).length > 0 && candidateLines(answer).every((c) => / typ relay /.test(c)), answer);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await waitFor(() => pc.connectionState === 'connected', 10000, 'the player connected');
    const sessionId = res.headers.get('location')!.split('/').pop();
    const status = (await call(relay.base, 'GET', `/whep/endpoints/${id}/sessions/${sessionId}/status`)).body;
    assert.equal(status.selected_candidate_pair?.local.type, 'relay', JSON.stringify(status));
    await relay.coturn.waitForLog(allocatedFor(id));
    assert.equal((await call(relay.base, 'DELETE', `/whep/endpoints/${id}`)).status, 204);
  });

  it('a TURN server that refuses the credentials: 503 GATHERING_FAILED naming it, the session closed with that reason', async () => {
    refusing = await startTestGateway({
      logLevel: 'error',
      iceServers: [parseIceServerUrl(relay.turnUrl) as IceServerUrl],
      turnAuth: { kind: 'secret', secret: `not-${SECRET}`, lifetimeSeconds: 600 },
      iceTransportPolicy: 'relay',
    });
    const created = await call(refusing.base, 'POST', '/whip/endpoints', { audio_params: { codec: 'OPUS' }, redirect_params: { audio: { ip_v4: '127.0.0.1', port: 5004 } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { endpoint_id: id, url, token } = created.body;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` }, body: opusSendonlyOffer() });
    const body = await res.json();
    assert.equal(res.status, 503, JSON.stringify(body));
    assert.equal(res.headers.get('location'), null);
    const message = body.params.errors.map((e: { message: string }) => e.message).join(' ');
    assert.match(message, /no ICE candidate/);
    assert.ok(message.includes(relay.turnUrl), `names the TURN server: ${message}`);
    const endpoint = (await call(refusing.base, 'GET', `/whip/endpoints/${id}`)).body;
    assert.equal(endpoint.sessions.length, 1);
    assert.equal(endpoint.sessions[0].state, 'closed');
    assert.match(endpoint.sessions[0].close_reason, /no ICE candidate/);
    // The events say it as a MediaConnection's would: ERROR naming the server, then CLOSE.
    const error = (await call(refusing.base, 'GET', `/whip/endpoints/${id}/events`)).body;
    assert.equal(error.event, 'ERROR', JSON.stringify(error));
    assert.equal(error.error_message, `TURN server ${relay.turnUrl} refused the credentials: 401 Unauthorized`);
    const closed = (await call(refusing.base, 'GET', `/whip/endpoints/${id}/events`)).body;
    assert.equal(closed.event, 'CLOSE', JSON.stringify(closed));
    // Nothing is left holding the endpoint: a client may try again (and is refused again, not 409).
    const again = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` }, body: opusSendonlyOffer() });
    assert.equal(again.status, 503);
  });
});
