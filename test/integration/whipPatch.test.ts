import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { DEFAULT_CONNECTION_LIMITS } from '../../src/session/limits/ConnectionLimits.js';
import type { Gateway } from '../../src/Gateway.js';
import { parseIceServerUrl, type IceServerUrl } from '../../src/session/ice/IceServerUrl.js';
import { call, startTestGateway } from '../helpers/testGateway.js';
import { opusSendonlyOffer } from '../helpers/wishOffer.js';

// The WHIP session resource beyond POST/DELETE (RFC 9725): PATCH (trickle, ICE restart,
// If-Match rules), Link headers with the gateway's STUN/TURN, and 503 + Retry-After at max_connections.
// The offers here come from no live peer: the answers and the session state are what is checked.

const url = (text: string): IceServerUrl => parseIceServerUrl(text) as IceServerUrl;
const SECRET = 'whip-turn-secret-7a1c';
const SDPFRAG = 'application/trickle-ice-sdpfrag';

const offer = opusSendonlyOffer;

const fragment = (lines: string[], ufrag = 'abcd', pwd = 'abcdefghijklmnopqrstuvwx'): string =>
  [`a=ice-ufrag:${ufrag}`, `a=ice-pwd:${pwd}`, 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', ...lines, ''].join('\r\n');
const candidate = (port: number): string => `a=candidate:${port} 1 udp 2122260223 127.0.0.1 ${port} typ host`;

describe('WHIP sessions: PATCH, Link, 503', () => {
  let gw: { gateway: Gateway; base: string };
  const auth = { authorization: 'Bearer control-secret' };
  before(async () => {
    gw = await startTestGateway({
      logLevel: 'warn',
      apiToken: 'control-secret',
      iceServers: [url('stun:127.0.0.1:3478'), url('turn:127.0.0.1:3478?transport=udp')],
      turnAuth: { kind: 'secret', secret: SECRET, lifetimeSeconds: 600 },
      limits: { ...DEFAULT_CONNECTION_LIMITS, maxConnections: 1 },
    });
  });
  after(() => gw.gateway.stop());

  const endpoint = async (): Promise<{ id: string; url: string; token: string }> => {
    const created = await call(gw.base, 'POST', '/whip/endpoints', { audio_params: { codec: 'OPUS' }, redirect_params: { audio: { ip_v4: '127.0.0.1', port: 5006 } } }, auth);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return { id: created.body.endpoint_id, url: created.body.url, token: created.body.token };
  };
  const publish = (e: { url: string; token: string }, sdp = offer()) =>
    fetch(e.url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${e.token}` }, body: sdp });
  const patch = (sessionUrl: string, token: string, body: string, headers: Record<string, string> = {}) =>
    fetch(sessionUrl, { method: 'PATCH', headers: { 'content-type': SDPFRAG, authorization: `Bearer ${token}`, ...headers }, body });

  it('POST answers Link headers: the STUN server, the TURN server with credentials minted for the endpoint', async () => {
    const e = await endpoint();
    const before = Math.floor(Date.now() / 1000);
    const res = await publish(e);
    const answered = Math.ceil(Date.now() / 1000);
    assert.equal(res.status, 201, await res.text());
    const links = res.headers.get('link') ?? '';
    assert.match(links, /<stun:127\.0\.0\.1:3478>; rel="ice-server"/);
    const turn = /<turn:127\.0\.0\.1:3478\?transport=udp>; rel="ice-server"; username="(\d+):([^"]+)"; credential="([^"]+)"; credential-type="password"/.exec(links);
    assert.ok(turn, links);
    const [, expiry, name, credential] = turn;
    assert.equal(name, e.id);
    assert.ok(Number(expiry) >= before + 600 && Number(expiry) <= answered + 600, expiry);
    assert.equal(credential, createHmac('sha1', SECRET).update(`${expiry}:${name}`).digest('base64'), 'coturn would accept it');

    // OPTIONS with the token: the same servers (whip-client -f reads them there); without: STUN only;
    // a CORS preflight gets none.
    const withToken = await fetch(e.url, { method: 'OPTIONS', headers: { authorization: `Bearer ${e.token}` } });
    assert.match(withToken.headers.get('link') ?? '', /<turn:127\.0\.0\.1:3478\?transport=udp>; rel="ice-server"; username="\d+:wi-/);
    const anonymous = await fetch(e.url, { method: 'OPTIONS' });
    assert.equal(anonymous.headers.get('link'), '<stun:127.0.0.1:3478>; rel="ice-server"');
    const preflight = await fetch(e.url, { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.headers.get('link'), null);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PATCH/);
    await call(gw.base, 'DELETE', `/whip/endpoints/${e.id}`, undefined, auth);
  });

  it('PATCH trickles candidates (204) under the If-Match rules of RFC 9725 section 4.3.1', async () => {
    const e = await endpoint();
    const res = await publish(e);
    assert.equal(res.status, 201, await res.text());
    const sessionUrl = new URL(res.headers.get('location')!, e.url).href;
    const etag = res.headers.get('etag')!;
    assert.match(etag, /^"[0-9a-f]+"$/);

    const options = await fetch(sessionUrl, { method: 'OPTIONS' });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get('allow'), 'OPTIONS, PATCH, DELETE');
    assert.equal(options.headers.get('accept-patch'), SDPFRAG);

    // Refusals in order: token, content type, missing If-Match, another entity-tag, body size, not SDP.
    assert.equal((await patch(sessionUrl, 'wrong', fragment([candidate(40001)]), { 'if-match': etag })).status, 401);
    assert.equal((await patch(`${e.url}/sessions/ws-00000000-0000-4000-8000-000000000000`, e.token, fragment([]), { 'if-match': etag })).status, 404);
    const wrongType = await fetch(sessionUrl, { method: 'PATCH', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${e.token}`, 'if-match': etag }, body: fragment([]) });
    assert.equal(wrongType.status, 415);
    assert.equal((await patch(sessionUrl, e.token, fragment([candidate(40001)]))).status, 428);
    assert.equal((await patch(sessionUrl, e.token, fragment([candidate(40001)]), { 'if-match': '"0000"' })).status, 412);
    assert.equal((await patch(sessionUrl, e.token, `a=x:${'y'.repeat(17_000)}\r\n`, { 'if-match': etag })).status, 413);
    assert.equal((await patch(sessionUrl, e.token, 'not a fragment', { 'if-match': etag })).status, 400);

    // Trickle: with the ETag, and with "*"; an end-of-candidates fragment too.
    const trickled = await patch(sessionUrl, e.token, fragment([candidate(40001), candidate(40002)]), { 'if-match': etag });
    assert.equal(trickled.status, 204, await trickled.text());
    assert.equal((await patch(sessionUrl, e.token, fragment([candidate(40003), 'a=end-of-candidates']), { 'if-match': '*' })).status, 204);

    const status = await call(gw.base, 'GET', `/whip/endpoints/${e.id}/sessions/${sessionUrl.split('/').pop()}/status`, undefined, auth);
    assert.equal(status.status, 200, JSON.stringify(status.body));
    assert.deepEqual(status.body.remote_candidates, ['127.0.0.1:40001 host', '127.0.0.1:40002 host', '127.0.0.1:40003 host']);
    assert.equal(status.body.end_of_candidates, true);
    assert.equal(status.body.state, 'connecting');

    // At most 64 remote candidates a session: the batch that would pass it is refused whole.
    const many = Array.from({ length: 62 }, (_, i) => candidate(41000 + i));
    assert.equal((await patch(sessionUrl, e.token, fragment(many), { 'if-match': etag })).status, 422);
    assert.equal((await patch(sessionUrl, e.token, fragment(many.slice(0, 61)), { 'if-match': etag })).status, 204);
    const full = await call(gw.base, 'GET', `/whip/endpoints/${e.id}/sessions/${sessionUrl.split('/').pop()}/status`, undefined, auth);
    assert.equal(full.body.remote_candidates.length, 64);
    assert.equal(full.body.refused_candidates, 62);

    assert.equal((await fetch(sessionUrl, { method: 'DELETE', headers: { authorization: `Bearer ${e.token}` } })).status, 200);
    assert.equal((await patch(sessionUrl, e.token, fragment([candidate(40005)]), { 'if-match': etag })).status, 404);

    // The endpoint's events: READY when answered, CLOSE with the reason; none once the endpoint is gone.
    const sessionId = sessionUrl.split('/').pop();
    assert.deepEqual((await call(gw.base, 'GET', `/whip/endpoints/${e.id}/events`, undefined, auth)).body, { event: 'READY', session_id: sessionId });
    const closed = (await call(gw.base, 'GET', `/whip/endpoints/${e.id}/events`, undefined, auth)).body;
    assert.deepEqual(closed, { event: 'CLOSE', session_id: sessionId, close_options: { reason: 'the publisher deleted the session' } });
    await call(gw.base, 'DELETE', `/whip/endpoints/${e.id}`, undefined, auth);
    assert.equal((await call(gw.base, 'GET', `/whip/endpoints/${e.id}/events`, undefined, auth)).status, 404);
    // The same routes serve WHEP endpoints: an unknown one is 404 (not 405 or an unknown route).
    const whep = await call(gw.base, 'GET', '/whep/endpoints/we-00000000-0000-4000-8000-000000000000/events', undefined, auth);
    assert.equal(whep.status, 404);
    assert.equal(whep.body.command_type, 'WHEP_ENDPOINT_EVENTS');
  });

  it('PATCH with new ICE credentials and If-Match "*" restarts ICE (RFC 9725 section 4.4): 200, our new credentials and candidates, a new ETag', async () => {
    const e = await endpoint();
    const res = await publish(e);
    const answer = await res.text();
    assert.equal(res.status, 201, answer);
    const sessionUrl = new URL(res.headers.get('location')!, e.url).href;
    const statusPath = `/whip/endpoints/${e.id}/sessions/${sessionUrl.split('/').pop()}/status`;
    const firstEtag = res.headers.get('etag')!;
    const answerLine = (prefix: string): string => answer.split('\r\n').find((l) => l.startsWith(prefix))!;
    const answerCandidates = answer.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    assert.ok(answerCandidates.length > 0, answer);
    assert.equal((await patch(sessionUrl, e.token, fragment([candidate(40001)]), { 'if-match': firstEtag })).status, 204);

    // New credentials under the session's own ETag (not "*"): 412, and nothing changed.
    const notStar = await patch(sessionUrl, e.token, fragment([candidate(40010)], 'efgh', 'zyxwvutsrqponmlkjihgfedc'), { 'if-match': firstEtag });
    assert.equal(notStar.status, 412);
    assert.match(JSON.stringify(await notStar.json()), /If-Match: \\"\*\\"/);
    // Credentials must both come: a new ufrag without a password is a bad fragment.
    const noPwd = await patch(sessionUrl, e.token, ['a=ice-ufrag:efgh', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', candidate(40011), ''].join('\r\n'), { 'if-match': '*' });
    assert.equal(noPwd.status, 400);
    // RFC 8839 section 5.4: a password of 21 characters, a ufrag with ':' (it would split USERNAME).
    assert.equal((await patch(sessionUrl, e.token, fragment([candidate(40012)], 'efgh', 'zyxwvutsrqponmlkjihgf'), { 'if-match': '*' })).status, 400);
    assert.equal((await patch(sessionUrl, e.token, fragment([candidate(40012)], 'ef:gh', 'zyxwvutsrqponmlkjihgfedc'), { 'if-match': '*' })).status, 400);
    let status = (await call(gw.base, 'GET', statusPath, undefined, auth)).body;
    assert.equal(status.ice_restarts, 0);
    assert.equal(status.remote_ice_ufrag, 'abcd');
    assert.deepEqual(status.remote_candidates, ['127.0.0.1:40001 host']);

    const restart = await patch(sessionUrl, e.token, fragment([candidate(40002), candidate(40003), 'a=end-of-candidates'], 'efgh', 'zyxwvutsrqponmlkjihgfedc'), { 'if-match': '*' });
    const body = await restart.text();
    assert.equal(restart.status, 200, body);
    assert.equal(restart.headers.get('content-type')?.split(';')[0], SDPFRAG);
    const newEtag = restart.headers.get('etag')!;
    assert.match(newEtag, /^"[0-9a-f]+"$/);
    assert.notEqual(newEtag, firstEtag);
    const lines = body.split('\r\n').filter(Boolean);
    // Section 4.4's shape: credentials, the BUNDLE's first m= line of our answer with its mid, our candidates.
    const ufrag = lines.find((l) => l.startsWith('a=ice-ufrag:'))!;
    const pwd = lines.find((l) => l.startsWith('a=ice-pwd:'))!;
    assert.ok(ufrag && pwd, body);
    assert.notEqual(ufrag, answerLine('a=ice-ufrag:'));
    assert.notEqual(pwd, answerLine('a=ice-pwd:'));
    assert.ok(pwd.length - 'a=ice-pwd:'.length >= 22, pwd);
    assert.equal(lines.find((l) => l.startsWith('m=')), answerLine('m='));
    assert.equal(lines[lines.indexOf(answerLine('m=')) + 1], answerLine('a=mid:'));
    // The same sockets: the same candidates as the answer.
    assert.deepEqual(lines.filter((l) => l.startsWith('a=candidate:')), answerCandidates);
    assert.equal(lines.at(-1), 'a=end-of-candidates');

    status = (await call(gw.base, 'GET', statusPath, undefined, auth)).body;
    assert.equal(status.ice_restarts, 1);
    assert.equal(status.remote_ice_ufrag, 'efgh');
    assert.deepEqual(status.remote_candidates, ['127.0.0.1:40002 host', '127.0.0.1:40003 host']);
    assert.equal(status.end_of_candidates, true);
    assert.equal(status.transport.iceState === 'failed', false);

    // The old ETag names the previous ICE session: 412; the new one trickles (204).
    assert.equal((await patch(sessionUrl, e.token, fragment([candidate(40004)], 'efgh', 'zyxwvutsrqponmlkjihgfedc'), { 'if-match': firstEtag })).status, 412);
    assert.equal((await patch(sessionUrl, e.token, fragment([candidate(40004)], 'efgh', 'zyxwvutsrqponmlkjihgfedc'), { 'if-match': newEtag })).status, 204);
    // A fragment with the previous credentials is one more restart, not trickle: under an ETag, 412.
    assert.equal((await patch(sessionUrl, e.token, fragment([candidate(40005)]), { 'if-match': newEtag })).status, 412);

    // A second restart: another ETag, the counter at 2.
    const again = await patch(sessionUrl, e.token, fragment([candidate(40006)], 'ijkl', 'lkjihgfedcbazyxwvutsrqpo'), { 'if-match': '*' });
    assert.equal(again.status, 200, await again.text());
    assert.notEqual(again.headers.get('etag'), newEtag);
    status = (await call(gw.base, 'GET', statusPath, undefined, auth)).body;
    assert.equal(status.ice_restarts, 2);
    assert.deepEqual(status.remote_candidates, ['127.0.0.1:40006 host']);

    assert.equal((await fetch(sessionUrl, { method: 'DELETE', headers: { authorization: `Bearer ${e.token}` } })).status, 200);
    assert.equal((await patch(sessionUrl, e.token, fragment([], 'mnop', 'ponmlkjihgfedcbazyxwvuts'), { 'if-match': '*' })).status, 404);
    await call(gw.base, 'DELETE', `/whip/endpoints/${e.id}`, undefined, auth);
  });

  it('a session over max_connections is refused 503 with Retry-After; it is admitted once the first ends', async () => {
    const first = await endpoint();
    const second = await endpoint();
    const one = await publish(first);
    assert.equal(one.status, 201, await one.text());
    const refused = await publish(second);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '5');
    assert.match(JSON.stringify(await refused.json()), /max_connections \(1\)/);
    await call(gw.base, 'DELETE', `/whip/endpoints/${first.id}`, undefined, auth);
    const admitted = await publish(second);
    assert.equal(admitted.status, 201, await admitted.text());
    await call(gw.base, 'DELETE', `/whip/endpoints/${second.id}`, undefined, auth);
  });
});
