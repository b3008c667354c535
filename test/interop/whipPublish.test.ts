import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { waitFor } from '../helpers/proc.js';
import { call, startTestGateway } from '../helpers/testGateway.js';
import { bindableByAnotherProcess } from '../helpers/udp.js';
import { vp8WhipEndpoint } from '../helpers/whipEndpoint.js';
import { gatheredLoopbackOffer } from '../helpers/wishOffer.js';
import { sendFrames, videoSender } from '../helpers/wrtcVideo.js';

// A plain WHIP client (RFC 9725 section 4.2) on libwebrtc: createOffer, wait for gathering, POST
// the whole offer, setRemoteDescription with the answer. Nothing of the gateway is imported
// into the client side, only fetch.

const VIDEO_PT = 110;



const isRtp = (p: Buffer): boolean => p.length >= 12 && p[0]! >> 6 === 2 && !(p[1]! >= 200 && p[1]! <= 207);

/** VP8 payload descriptor (RFC 7741 section 4.2), then a keyframe header: this packet starts a keyframe. */
function isVp8KeyframeStart(p: Buffer): boolean {
  const cc = p[0]! & 0x0f;
  let o = 12 + cc * 4;
  if (p[0]! & 0x10) o += 4 + 4 * p.readUInt16BE(o + 2);
  const d = p[o]!;
  if (!(d & 0x10)) return false;
  o += 1;
  if (d & 0x80) {
    const x = p[o]!;
    o += 1;
    if (x & 0x80) o += p[o]! & 0x80 ? 2 : 1;
    if (x & 0x40) o += 1;
    if (x & 0x30) o += 1;
  }
  return (p[o]! & 0x01) === 0 && p[o + 3] === 0x9d && p[o + 4] === 0x01 && p[o + 5] === 0x2a;
}

describe('WHIP: a libwebrtc publisher to /whip/{id}', () => {
  let gw: { gateway: Gateway; base: string };
  const cleanup: (() => void)[] = [];
  before(async () => {
    gw = await startTestGateway({ logLevel: 'warn' });
  });
  after(async () => {
    for (const f of cleanup.reverse()) f();
    await gw.gateway.stop();
  });

  const whip = (url: string, token: string | undefined, body: string, type = 'application/sdp'): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'content-type': type, ...(token !== undefined && { authorization: `Bearer ${token}` }) }, body });

  it('answers recvonly with candidates and fingerprint, redirects VP8 as RTP with the user payload type, reports events, status and stats, answers POST …/pli with a keyframe, and DELETE frees the transport', async () => {
    const { id, url, token, redirect } = await vp8WhipEndpoint(gw.base, VIDEO_PT, cleanup);
    assert.match(id, /^wi-[0-9a-f-]{36}$/);
    assert.equal(url, `${gw.base}/whip/${id}`);

    const { pc, source } = videoSender(cleanup);
    sendFrames(source, cleanup);
    const offer = await gatheredLoopbackOffer(pc);

    assert.equal((await whip(url, undefined, offer)).status, 401, 'no token');
    const wrong = await whip(url, `${token}x`, offer);
    assert.equal(wrong.status, 401, 'wrong token');
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal((await whip(url, token, offer, 'application/json')).status, 415);

    const res = await whip(url, token, offer);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/sdp');
    const location = res.headers.get('location')!;
    assert.match(location, new RegExp(`^/whip/${id}/sessions/ws-`));
    assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]+"$/);
    const answer = await res.text();
    assert.match(answer, /^m=video /m);
    assert.match(answer, /^a=recvonly$/m);
    assert.doesNotMatch(answer, /^a=(sendrecv|sendonly)$/m);
    assert.match(answer, /^a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/m);
    const candidates = answer.match(/^a=candidate:.*$/gm) ?? [];
    assert.ok(candidates.length >= 1, 'candidates in the answer');
    assert.ok(!/^a=end-of-candidates/m.test(answer) || candidates.length > 0);
    const transportPort = Number(/^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/m.exec(answer)![1]);

    assert.equal((await whip(url, token, offer)).status, 409, 'one live session per endpoint');

    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await waitFor(() => redirect.packets.filter(isRtp).length >= 60, 10000, '60 RTP packets at the redirect');
    const rtp = redirect.packets.filter(isRtp);
    for (const p of rtp) assert.equal(p[1]! & 0x7f, VIDEO_PT, 'payload type rewritten to the user\'s');
    const keyframe = rtp.some(isVp8KeyframeStart);
    assert.ok(keyframe, 'a VP8 keyframe (start code 9d 01 2a) arrived at the redirect');

    const status = await call(gw.base, 'GET', `/whip/endpoints/${id}`);
    assert.equal(status.status, 200);
    assert.equal(status.body.sessions[0].state, 'open');
    const sessionId = status.body.sessions[0].session_id;

    // Events (long poll): READY when answered, STREAM when ICE and DTLS are up, with the session id.
    const ready = await call(gw.base, 'GET', `/whip/endpoints/${id}/events`);
    assert.deepEqual(ready.body, { event: 'READY', session_id: sessionId });
    assert.deepEqual((await call(gw.base, 'GET', `/whip/endpoints/${id}/events`)).body, { event: 'STREAM', session_id: sessionId });

    // PLI (RFC 4585 section 6.3.1): libwebrtc answers with a keyframe. First a 1.5 s window without
    // one (libwebrtc sends its own when it adapts the resolution under CPU load: up to 5 windows),
    // then keyframes in as long a window after POST …/pli.
    const keyframes = (): number => redirect.packets.filter((p) => isRtp(p) && isVp8KeyframeStart(p)).length;
    let quiet = -1;
    for (let window = 0; window < 5 && quiet !== 0; window++) {
      const start = keyframes();
      await new Promise((r) => setTimeout(r, 1500));
      quiet = keyframes() - start;
    }
    const pli = await call(gw.base, 'POST', `/whip/endpoints/${id}/pli`, {});
    assert.equal(pli.status, 201, JSON.stringify(pli.body));
    assert.deepEqual(pli.body, { sent: 1 });
    const afterPli = keyframes();
    await new Promise((r) => setTimeout(r, 1500));
    const answered = keyframes() - afterPli;
    console.log(`keyframes at the redirect: ${quiet} in 1.5 s before the PLI, ${answered} in 1.5 s after`);
    assert.equal(quiet, 0, 'a 1.5 s window without keyframes');
    assert.ok(answered >= 1, `a keyframe answered the PLI (${quiet} before, ${answered} after)`);
    assert.equal((await call(gw.base, 'POST', `/whip/endpoints/${id}/pli`, { session_id: 'ws-none' })).status, 404);

    // Status and stats of the session: the selected pair, the received stream, the PLI sent.
    const detail = await call(gw.base, 'GET', `/whip/endpoints/${id}/sessions/${sessionId}/status`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.state, 'open');
    assert.equal(detail.body.transport.dtlsState, 'connected');
    assert.ok(detail.body.remote_candidates.length >= 1);
    assert.ok(detail.body.selected_candidate_pair, JSON.stringify(detail.body));
    const stats = await call(gw.base, 'GET', `/whip/endpoints/${id}/sessions/${sessionId}/stats`);
    const video = stats.body.streams.find((s: { media: string; direction: string }) => s.media === 'video' && s.direction === 'receive');
    assert.ok(video && video.packets >= 60, JSON.stringify(stats.body));
    assert.ok(video.pli_sent >= 1, 'the PLI is counted');

    assert.equal(await bindableByAnotherProcess(transportPort), false, 'the session holds its transport port');
    assert.equal((await fetch(`${gw.base}${location}`, { method: 'DELETE', headers: { authorization: 'Bearer nope' } })).status, 401);
    const deleted = await fetch(`${gw.base}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    assert.equal(deleted.status, 200);
    assert.equal(await bindableByAnotherProcess(transportPort), true, 'DELETE released the transport port');
    await new Promise((r) => setTimeout(r, 300));
    const settled = redirect.packets.length;
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(redirect.packets.length, settled, 'nothing redirected after DELETE');
    const after = await call(gw.base, 'GET', `/whip/endpoints/${id}`);
    assert.equal(after.body.sessions[0].state, 'closed');
    const closed = await call(gw.base, 'GET', `/whip/endpoints/${id}/events`);
    assert.equal(closed.body.event, 'CLOSE');
    assert.equal(closed.body.session_id, sessionId);
    assert.match(closed.body.close_options.reason, /deleted the session/);

    assert.equal((await call(gw.base, 'DELETE', `/whip/endpoints/${id}`)).status, 204);
    assert.equal((await call(gw.base, 'GET', `/whip/endpoints/${id}`)).status, 404);
    assert.equal((await whip(url, token, offer)).status, 401, 'a deleted endpoint takes nothing');
  });
});
