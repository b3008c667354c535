import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { waitFor } from '../helpers/proc.js';
import { call, startTestGateway } from '../helpers/testGateway.js';
import { freeUdpPort } from '../helpers/media.js';
import { vp8WhipEndpoint } from '../helpers/whipEndpoint.js';
import { candidatePorts, clientIce, restartedAnswer, restartFragment, SDPFRAG, sdpLines, sdpValue } from '../helpers/wishIceRestart.js';
import { gatheredLoopbackOffer } from '../helpers/wishOffer.js';
import { sendFrames, videoSender } from '../helpers/wrtcVideo.js';

// ICE restart of a WHIP session (RFC 9725 section 4.4) with libwebrtc as the publisher: what a
// browser's WHIP client does after pc.restartIce() (test/helpers/wishIceRestart.ts).

const VIDEO_PT = 110;

const isRtp = (p: Buffer): boolean => p.length >= 12 && p[0]! >> 6 === 2 && !(p[1]! >= 200 && p[1]! <= 207);

describe('WHIP: ICE restart of a libwebrtc publisher', () => {
  let gw: { gateway: Gateway; base: string };
  let shared: { gateway: Gateway; base: string };
  let sharedPort: number;
  const cleanup: (() => void)[] = [];
  before(async () => {
    gw = await startTestGateway({ logLevel: 'warn' });
    sharedPort = await freeUdpPort();
    shared = await startTestGateway({ logLevel: 'warn', mediaSharedPort: sharedPort });
  });
  after(async () => {
    for (const f of cleanup.reverse()) f();
    await gw.gateway.stop();
    await shared.gateway.stop();
  });

  it('restarts over PATCH (200, new credentials and ETag), libwebrtc moves to the new generation, and RTP keeps arriving at the redirect', async () => {
    await restartScenario(gw, cleanup);
  });

  it('restarts a session on media_shared_port: the shared socket routes the new ufrag, media goes on', async () => {
    const answerPort = await restartScenario(shared, cleanup);
    assert.equal(answerPort, sharedPort, 'the session\'s candidate is the shared socket');
  });
});

/** Publishes, restarts, checks both sides and the media; returns the port of the gateway's candidate. */
async function restartScenario(gw: { gateway: Gateway; base: string }, cleanup: (() => void)[]): Promise<number> {
  const { id, url, token, redirect } = await vp8WhipEndpoint(gw.base, VIDEO_PT, cleanup);

  const { pc, source } = videoSender(cleanup);
  sendFrames(source, cleanup);
  const offer = await gatheredLoopbackOffer(pc);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` }, body: offer });
  const answer = await res.text();
  assert.equal(res.status, 201, answer);
  const sessionUrl = new URL(res.headers.get('location')!, url).href;
  const firstEtag = res.headers.get('etag')!;
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await waitFor(() => redirect.packets.filter(isRtp).length >= 60, 10000, '60 RTP packets at the redirect');
  const statusPath = `/whip/endpoints/${id}/sessions/${sessionUrl.split('/').pop()}/status`;
  const before = (await call(gw.base, 'GET', statusPath)).body;
  assert.equal(before.ice_restarts, 0);
  assert.equal(before.transport.iceState, 'completed');
  const firstClientUfrag = sdpValue(offer, 'a=ice-ufrag:');
  const firstClientPorts = candidatePorts(pc.localDescription!.sdp);
  const clientBefore = await clientIce(pc);
  assert.equal(clientBefore.ufrag, firstClientUfrag);
  assert.ok(firstClientPorts.includes(clientBefore.localPort ?? -1), `libwebrtc's first pair (${clientBefore.localPort})`);

  // The client restarts: new credentials and a new generation of candidates (new ports).
  pc.restartIce();
  const restartOffer = await gatheredLoopbackOffer(pc);
  const newClientUfrag = sdpValue(restartOffer, 'a=ice-ufrag:');
  assert.notEqual(newClientUfrag, firstClientUfrag);
  const body = restartFragment(restartOffer);
  const newClientPorts = candidatePorts(pc.localDescription!.sdp);
  assert.ok(newClientPorts.length >= 1 && sdpLines(body).some((l) => l.startsWith('a=candidate:')), body);
  assert.ok(newClientPorts.every((p) => !firstClientPorts.includes(p)), `a new generation on new ports: ${firstClientPorts} -> ${newClientPorts}`);
  const patched = await fetch(sessionUrl, { method: 'PATCH', headers: { 'content-type': SDPFRAG, authorization: `Bearer ${token}`, 'if-match': '*' }, body });
  const fragment = await patched.text();
  assert.equal(patched.status, 200, fragment);
  assert.equal(patched.headers.get('content-type')?.split(';')[0], SDPFRAG);
  const newEtag = patched.headers.get('etag')!;
  assert.notEqual(newEtag, firstEtag);
  assert.notEqual(sdpValue(fragment, 'a=ice-ufrag:'), sdpValue(answer, 'a=ice-ufrag:'));
  // Until libwebrtc has our new credentials it cannot nominate: the gateway keeps the old pair.
  const during = (await call(gw.base, 'GET', statusPath)).body;
  assert.equal(during.ice_restarts, 1);
  assert.equal(during.remote_ice_ufrag, newClientUfrag);
  assert.equal(during.transport.iceState, 'connected');
  assert.ok(firstClientPorts.includes(during.selected_candidate_pair.remote.port), `the previous pair carries media meanwhile: ${JSON.stringify(during.selected_candidate_pair)}`);

  // libwebrtc waits for the answer: 3 s in which media stays on the previous pair and none of
  // it is dropped. (libwebrtc's new ports check with our old ufrag and its new one meanwhile:
  // refused, 401, as no username of either generation; counted in stunUnauthenticated.)
  const patchedAt = redirect.packets.length;
  await new Promise((r) => setTimeout(r, 3000));
  const meanwhile = (await call(gw.base, 'GET', statusPath)).body;
  const rtpMeanwhile = redirect.packets.slice(patchedAt).filter(isRtp).length;
  console.log(`while restarting: ${meanwhile.transport.droppedUnauthenticatedSource - during.transport.droppedUnauthenticatedSource} dropped unauthenticated, ${rtpMeanwhile} RTP in 3 s, ${meanwhile.transport.checksReceived - during.transport.checksReceived} checks received, ${meanwhile.transport.stunUnauthenticated - during.transport.stunUnauthenticated} unauthenticated`);
  assert.ok(rtpMeanwhile >= 30, `RTP on the previous pair while restarting (${rtpMeanwhile} in 3 s)`);
  assert.equal(meanwhile.transport.iceState, 'connected');
  assert.deepEqual(meanwhile.selected_candidate_pair, during.selected_candidate_pair);
  assert.equal(meanwhile.transport.droppedUnauthenticatedSource, during.transport.droppedUnauthenticatedSource, 'no media dropped as from an unauthenticated source');

  await pc.setRemoteDescription({ type: 'answer', sdp: restartedAnswer(answer, fragment) });
  const restartedAt = redirect.packets.length;
  // Both sides on the new generation: libwebrtc's selected pair starts at one of its new
  // candidates (new ufrag, new ports), the gateway's agent nominated a pair to one of them.
  await waitFor(async () => {
    const c = await clientIce(pc);
    return c.ufrag === newClientUfrag && c.state === 'connected' && newClientPorts.includes(c.localPort ?? -1);
  }, 10000, 'libwebrtc selects a pair of the new ICE generation');
  await waitFor(async () => (await call(gw.base, 'GET', statusPath)).body.transport.iceState === 'completed', 10000, 'the gateway nominates a new pair');
  const after = (await call(gw.base, 'GET', statusPath)).body;
  const client = await clientIce(pc);
  assert.ok(newClientPorts.includes(after.selected_candidate_pair.remote.port), `the gateway's pair goes to a new candidate: ${JSON.stringify(after.selected_candidate_pair)} vs ${newClientPorts}`);
  assert.ok(newClientPorts.includes(client.localPort ?? -1), `libwebrtc's pair is of the new generation (${client.localPort})`);
  assert.equal(after.state, 'open');
  assert.equal(after.transport.dtlsState, 'connected');
  assert.equal(after.ice_restarts, 1);

  // Media keeps flowing after the restart (DTLS and SRTP unchanged, new path).
  await waitFor(() => redirect.packets.slice(restartedAt).filter(isRtp).length >= 60, 10000, '60 RTP packets after the restart');
  const settled = redirect.packets.length;
  await new Promise((r) => setTimeout(r, 1000));
  const perSecond = redirect.packets.slice(settled).filter(isRtp).length;
  console.log(`RTP at the redirect: ${redirect.packets.length - restartedAt} since the restart answer, ${perSecond} in the last second`);
  assert.ok(perSecond >= 10, `RTP still arriving on the new pair (${perSecond} in 1 s)`);

  // The old ETag now names the previous ICE session.
  const stale = await fetch(sessionUrl, { method: 'PATCH', headers: { 'content-type': SDPFRAG, authorization: `Bearer ${token}`, 'if-match': firstEtag }, body: `a=ice-ufrag:${newClientUfrag}\r\na=ice-pwd:${sdpValue(restartOffer, 'a=ice-pwd:')}\r\n` });
  assert.equal(stale.status, 412);
  assert.equal((await fetch(sessionUrl, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status, 200);
  assert.equal((await call(gw.base, 'DELETE', `/whip/endpoints/${id}`)).status, 204);
  return Number(/^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/m.exec(answer)![1]);
}
