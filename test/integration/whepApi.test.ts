import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { call, startTestGateway } from '../helpers/testGateway.js';
import { oneSectionOffer } from '../helpers/wishOffer.js';
import { bindableByAnotherProcess } from '../helpers/udp.js';

// The WHEP control API and the WHEP resource's refusals, over REST. Playback itself is proven in
// test/interop/whepPlay.test.ts (libwebrtc players) and test/e2e/whepPlayers.test.ts (Chromium, GStreamer).

const offer = (kind: 'video' | 'audio', direction: 'recvonly' | 'sendonly' | 'sendrecv'): string => oneSectionOffer(kind, direction);

const transportPortOf = (answer: string): number => Number(/^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/m.exec(answer)![1]);

describe('WHEP endpoints over REST', () => {
  let gw: { gateway: Gateway; base: string };
  before(async () => {
    gw = await startTestGateway({ logLevel: 'warn', apiToken: 'control-secret' });
  });
  after(() => gw.gateway.stop());
  const auth = { authorization: 'Bearer control-secret' };
  const api = (method: string, path: string, body?: unknown) => call(gw.base, method, path, body, auth);
  const create = (body: unknown) => api('POST', '/whep/endpoints', body);
  const post = (url: string, token: string, sdp: string, type = 'application/sdp'): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${token}` }, body: sdp });
  const openPort = async (path: string, body: unknown): Promise<string> => {
    const res = await api('POST', path, body);
    assert.equal(res.status, 201);
    return res.body.media_id ?? res.body.rtcp_id;
  };

  it('validates the body in the SkyWay error shape; an unknown or wrong-kind port is 404', async () => {
    const video = await openPort('/media', { is_video: true });
    const audio = await openPort('/media', { is_video: false });
    const fieldsOf = async (body: unknown, status = 400): Promise<string[]> => {
      const res = await create(body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.command_type, 'WHEP_ENDPOINT_CREATE');
      return res.body.params.errors.map((e: { field: string }) => e.field);
    };
    assert.deepEqual(await fieldsOf({}), ['video_params']);
    assert.ok((await fieldsOf({ video_params: { codec: 'THEORA', media_id: video } })).includes('video_params.codec'));
    assert.ok((await fieldsOf({ video_params: { codec: 'VP8' } })).includes('video_params.media_id'));
    assert.ok((await fieldsOf({ video_params: { codec: 'VP8', media_id: video, payload_type: 128 } })).includes('video_params.payload_type'));
    assert.ok((await fieldsOf({ video_params: { codec: 'VP8', media_id: video }, max_sessions: 0 })).includes('max_sessions'));
    assert.ok((await fieldsOf({ video_params: { codec: 'VP8', media_id: video }, max_sessions: 1001 })).includes('max_sessions'));
    // A player sends no media, so there is nothing to redirect but its RTCP.
    assert.ok((await fieldsOf({ video_params: { codec: 'VP8', media_id: video }, redirect_params: { video: { ip_v4: '127.0.0.1', port: 5004 } } })).includes('redirect_params'));
    // As POST /media/connections names ports: unknown, or of another kind, is 404 on the field.
    assert.deepEqual(await fieldsOf({ video_params: { codec: 'VP8', media_id: 'vi-00000000-0000-4000-8000-000000000000' } }, 404), ['video_params.media_id']);
    assert.deepEqual(await fieldsOf({ video_params: { codec: 'VP8', media_id: audio } }, 404), ['video_params.media_id']);
    assert.deepEqual(await fieldsOf({ audio_params: { codec: 'OPUS', media_id: audio, rtcp_id: video } }, 404), ['audio_params.rtcp_id']);
    assert.equal((await api('DELETE', `/media/${video}`)).status, 204, 'a refused request reserved nothing');
    assert.equal((await api('DELETE', `/media/${audio}`)).status, 204);
  });

  it('keeps the control API behind the API token and origin checks', async () => {
    const video = await openPort('/media', { is_video: true });
    const body = { video_params: { codec: 'VP8', media_id: video } };
    assert.equal((await call(gw.base, 'POST', '/whep/endpoints', body)).status, 401);
    assert.equal((await call(gw.base, 'POST', '/whep/endpoints', body, { ...auth, origin: 'https://evil.example' })).status, 403);
    assert.equal((await api('DELETE', `/media/${video}`)).status, 204);
  });

  it('creates and shows an endpoint; its ports are in use until it is deleted; its resource refuses what it cannot serve', async () => {
    const video = await openPort('/media', { is_video: true });
    const rtcp = await openPort('/media/rtcp', {});
    const created = await create({ video_params: { codec: 'vp8', media_id: video, payload_type: 100, rtcp_id: rtcp }, redirect_params: { video_rtcp: { ip_v4: '127.0.0.1', port: 5005 } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { endpoint_id: id, url, token } = created.body;
    assert.match(id, /^we-[0-9a-f-]{36}$/);
    assert.equal(url, `${gw.base}/whep/${id}`);
    assert.ok(token.length >= 40);
    const shown = await api('GET', `/whep/endpoints/${id}`);
    assert.deepEqual(shown.body, { endpoint_id: id, video_params: { codec: 'VP8', media_id: video, payload_type: 100, rtcp_id: rtcp }, max_sessions: 1000, sessions: [] });
    assert.equal((await api('GET', `/whip/endpoints/${id}`)).status, 404, 'a WHEP id is no WHIP endpoint');

    // As for a MediaConnection: a port that feeds something cannot be deleted under it.
    const busy = await api('DELETE', `/media/${video}`);
    assert.equal(busy.status, 403);
    assert.match(busy.body.params.errors[0].message, new RegExp(id));
    assert.equal((await api('DELETE', `/media/rtcp/${rtcp}`)).status, 403);

    const options = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://player.example', 'access-control-request-method': 'POST' } });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get('access-control-allow-origin'), '*');
    assert.equal(options.headers.get('accept-post'), 'application/sdp');

    assert.equal((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: offer('video', 'recvonly') })).status, 401, 'no token');
    assert.equal((await post(url, 'control-secret', offer('video', 'recvonly'))).status, 401, 'the API token is not a WHEP token');
    assert.equal((await post(url, token, offer('video', 'recvonly'), 'application/json')).status, 415);
    assert.equal((await post(url, token, 'v=0\r\nnot sdp\r\n')).status, 400);
    // Offers that receive nothing this endpoint plays: a sendonly video (a publisher), an audio player.
    const publisher = await post(url, token, offer('video', 'sendonly'));
    assert.equal(publisher.status, 422, await publisher.text());
    assert.equal((await post(url, token, offer('audio', 'recvonly'))).status, 422);
    assert.deepEqual((await api('GET', `/whep/endpoints/${id}`)).body.sessions, [], 'refused offers leave no session');

    assert.equal((await api('DELETE', `/whep/endpoints/${id}`)).status, 204);
    assert.equal((await api('GET', `/whep/endpoints/${id}`)).status, 404);
    assert.equal((await api('DELETE', `/media/${video}`)).status, 204, 'the endpoint gave its ports back');
    assert.equal((await api('DELETE', `/media/rtcp/${rtcp}`)).status, 204);
  });

  it('answers players sendonly with our SSRC and msid; lists sessions; session and endpoint DELETE free their transports', async () => {
    const video = await openPort('/media', { is_video: true });
    const created = await create({ video_params: { codec: 'VP8', media_id: video, payload_type: 96 }, max_sessions: 2 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { endpoint_id: id, url, token } = created.body;

    const first = await post(url, token, offer('video', 'recvonly'));
    assert.equal(first.status, 201);
    const location = first.headers.get('location')!;
    assert.match(location, new RegExp(`^/whep/${id}/sessions/es-[0-9a-f-]{36}$`));
    const answer = await first.text();
    assert.match(answer, /^m=video \d+ UDP\/TLS\/RTP\/SAVPF 96/m);
    assert.match(answer, /^a=sendonly$/m);
    assert.doesNotMatch(answer, /^a=(sendrecv|recvonly|inactive)$/m);
    const msid = /^a=msid:(\S+) (\S+)$/m.exec(answer);
    assert.ok(msid, 'a=msid names our stream and track');
    const ssrc = /^a=ssrc:(\d+) cname:\S+$/m.exec(answer);
    assert.ok(ssrc, 'a=ssrc announces the SSRC we send with');
    assert.match(answer, new RegExp(`^a=ssrc:${ssrc[1]} msid:${msid[1]} ${msid[2]}$`, 'm'));

    // sendrecv is a player too (it may send nothing we take); the answer still only sends.
    const second = await post(url, token, offer('video', 'sendrecv'));
    assert.equal(second.status, 201);
    const secondAnswer = await second.text();
    assert.match(secondAnswer, /^a=sendonly$/m);
    const otherSsrc = /^a=ssrc:(\d+) cname:/m.exec(secondAnswer)![1];
    assert.notEqual(otherSsrc, ssrc[1], 'each player has its own SSRC');
    assert.equal((await post(url, token, offer('video', 'recvonly'))).status, 409, 'max_sessions 2');

    assert.equal((await api('DELETE', `/media/${video}`)).status, 403, 'the port stays while players are fed by it');
    const listed = (await api('GET', `/whep/endpoints/${id}`)).body.sessions as { session_id: string; state: string }[];
    assert.equal(listed.length, 2);
    assert.deepEqual(listed.map((s) => s.state), ['connecting', 'connecting']);
    assert.equal(`/whep/${id}/sessions/${listed[0]!.session_id}`, location);

    const firstPort = transportPortOf(answer);
    const secondPort = transportPortOf(secondAnswer);
    assert.equal(await bindableByAnotherProcess(firstPort), false);
    assert.equal((await fetch(`${gw.base}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.equal(await bindableByAnotherProcess(firstPort), true, 'session DELETE released its transport port');
    assert.equal(await bindableByAnotherProcess(secondPort), false, 'the other session keeps its own');
    const states = (await api('GET', `/whep/endpoints/${id}`)).body.sessions.map((s: { state: string }) => s.state);
    assert.deepEqual(states, ['closed', 'connecting']);

    assert.equal((await api('DELETE', `/whep/endpoints/${id}`)).status, 204);
    assert.equal(await bindableByAnotherProcess(secondPort), true, 'endpoint DELETE ended its sessions');
    assert.equal((await post(url, token, offer('video', 'recvonly'))).status, 401, 'a deleted endpoint takes nothing');
    assert.equal((await api('DELETE', `/media/${video}`)).status, 204);
  });
});
