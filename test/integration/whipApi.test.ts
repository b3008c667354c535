import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../src/session/limits/ConnectionLimits.js';
import { call, startTestGateway } from '../helpers/testGateway.js';
import { opusSendonlyOffer } from '../helpers/wishOffer.js';

// The WHIP control API and the WHIP resource's refusals, over REST. The publishing path itself is
// proven in test/interop/whipPublish.test.ts with libwebrtc.

const audioOnly = opusSendonlyOffer();

describe('WHIP endpoints over REST', () => {
  let gw: { gateway: Gateway; base: string };
  before(async () => {
    gw = await startTestGateway({ logLevel: 'warn', apiToken: 'control-secret' });
  });
  after(() => gw.gateway.stop());
  const auth = { authorization: 'Bearer control-secret' };
  const create = (body: unknown) => call(gw.base, 'POST', '/whip/endpoints', body, auth);
  const post = (url: string, token: string, sdp: string, type = 'application/sdp'): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${token}` }, body: sdp });

  it('validates the body in the SkyWay error shape', async () => {
    const bad = await create({ video_params: { codec: 'THEORA' }, redirect_params: {} });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.command_type, 'WHIP_ENDPOINT_CREATE');
    assert.ok(bad.body.params.errors.some((e: { field: string }) => e.field === 'video_params.codec'), JSON.stringify(bad.body));
    const nothing = await create({ redirect_params: {} });
    assert.equal(nothing.status, 400);
    assert.equal(nothing.body.params.errors[0].field, 'redirect_params');
    const missing = await create({});
    assert.equal(missing.status, 400);
    assert.equal(missing.body.params.errors[0].field, 'redirect_params');
  });

  it('keeps the control API behind the API token and origin checks', async () => {
    assert.equal((await call(gw.base, 'POST', '/whip/endpoints', { redirect_params: { video: { ip_v4: '127.0.0.1', port: 5004 } } })).status, 401);
    const foreign = await call(gw.base, 'POST', '/whip/endpoints', { redirect_params: { video: { ip_v4: '127.0.0.1', port: 5004 } } }, { ...auth, origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
  });

  it('creates, shows and deletes an endpoint; its resource answers CORS for any origin and refuses what it cannot serve', async () => {
    const created = await create({ video_params: { codec: 'VP8', payload_type: 100 }, redirect_params: { video: { ip_v4: '127.0.0.1', port: 5004 } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { endpoint_id: id, url, token } = created.body;
    assert.match(id, /^wi-/);
    assert.ok(token.length >= 40);
    const shown = await call(gw.base, 'GET', `/whip/endpoints/${id}`, undefined, auth);
    assert.deepEqual(shown.body, { endpoint_id: id, video_params: { codec: 'VP8', payload_type: 100 }, sessions: [] });

    const options = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://player.example', 'access-control-request-method': 'POST' } });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get('access-control-allow-origin'), '*');
    assert.equal(options.headers.get('accept-post'), 'application/sdp');
    assert.match(options.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.match(options.headers.get('access-control-expose-headers') ?? '', /Location/);

    // Another origin with the endpoint's token (not the API's) reaches the resource: 400, not 403 or 401.
    const garbage = await fetch(url, { method: 'POST', headers: { origin: 'https://player.example', 'content-type': 'application/sdp', authorization: `Bearer ${token}` }, body: 'v=0\r\nnot sdp\r\n' });
    assert.equal(garbage.status, 400);
    assert.equal(garbage.headers.get('access-control-allow-origin'), '*');
    assert.equal((await post(url, token, 'v=0\r\n', 'text/plain')).status, 415);
    assert.equal((await post(url, 'control-secret', 'v=0\r\n')).status, 401, 'the API token is not a WHIP token');

    // A valid offer of audio only, to a video-only endpoint: nothing to serve.
    const unserved = await post(url, token, audioOnly);
    assert.equal(unserved.status, 422, await unserved.text());

    assert.equal((await call(gw.base, 'DELETE', `/whip/endpoints/${id}`, undefined, auth)).status, 204);
    assert.equal((await call(gw.base, 'GET', `/whip/endpoints/${id}`, undefined, auth)).status, 404);
  });
});

describe('A WHIP session whose publisher never connects', () => {
  let gw: { gateway: Gateway; base: string };
  before(async () => {
    gw = await startTestGateway({ logLevel: 'warn', limits: { ...DEFAULT_CONNECTION_LIMITS, offerTimeoutMs: 1000 } });
  });
  after(() => gw.gateway.stop());

  it('closes after offer_timeout_ms, says why in its events, and frees the endpoint for the next publisher', async () => {
    const created = await call(gw.base, 'POST', '/whip/endpoints', { audio_params: { codec: 'OPUS' }, redirect_params: { audio: { ip_v4: '127.0.0.1', port: 5006 } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { endpoint_id: id, url, token } = created.body;
    const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` }, body: audioOnly });
    // The offer has no candidates and nothing ever sends a check: the session can only wait.
    const first = await post();
    assert.equal(first.status, 201, await first.text());
    assert.equal((await post()).status, 409, 'one publisher at a time while the first is live');
    const events: string[] = [];
    for (let i = 0; i < 3 && !events.includes('CLOSE'); i++) {
      const e = await call(gw.base, 'GET', `/whip/endpoints/${id}/events`);
      assert.equal(e.status, 200, JSON.stringify(e.body));
      events.push(e.body.event);
      if (e.body.event === 'ERROR') assert.match(e.body.error_message, /did not connect within 1 s .*offer_timeout_ms/);
    }
    assert.deepEqual(events, ['READY', 'ERROR', 'CLOSE']);
    const [session] = (await call(gw.base, 'GET', `/whip/endpoints/${id}`)).body.sessions;
    assert.equal(session.state, 'closed');
    assert.match(session.close_reason, /did not connect/);
    const next = await post();
    assert.equal(next.status, 201, 'the endpoint takes the next publisher');
    assert.equal((await call(gw.base, 'DELETE', `/whip/endpoints/${id}`)).status, 204);
  });
});
