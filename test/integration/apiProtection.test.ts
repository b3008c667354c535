import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { rawRequest } from '../helpers/rawHttp.js';
import { assertSkywayError } from '../helpers/skywayError.js';
import { startTestGateway } from '../helpers/testGateway.js';

const TOKEN = 'test-api-token-0123456789';

describe('REST API: Host and Origin checks', () => {
  let gateway: Gateway;
  let base: string;
  let port: number;
  before(async () => {
    ({ gateway, base } = await startTestGateway({ apiAllowedHosts: ['gateway.example'], apiAllowedOrigins: ['https://app.example'], demoPage: true }));
    port = gateway.apiAddress.port;
  });
  after(() => gateway.stop());

  it('answers 421 to a Host that is neither an IP literal, localhost nor allowed (DNS rebinding), and creates nothing', async () => {
    const before = gateway.ports.size;
    for (const host of ['evil.example', `evil.example:${port}`, 'gateway.example.evil.example', '', 'a b']) {
      const res = await rawRequest(base, 'POST', '/media', { host, 'content-type': 'application/json' }, '{"is_video":true}');
      assert.equal(res.status, 421, `Host ${JSON.stringify(host)}`);
      assertSkywayError(res.body, 'UNKNOWN', 'host');
    }
    assert.equal(gateway.ports.size, before);
  });

  it('answers IP literals, localhost and api_allowed_hosts, with or without a port', async () => {
    for (const host of [`127.0.0.1:${port}`, '127.0.0.1', `localhost:${port}`, 'LOCALHOST', `[::1]:${port}`, 'gateway.example', `Gateway.Example:${port}`]) {
      const res = await rawRequest(base, 'GET', '/media/vi-none/status', { host });
      assert.equal(res.status, 404, `Host ${host}`);
    }
  });

  it('refuses a cross-origin "simple" POST (text/plain, as a page may send without preflight) with 403 and creates nothing', async () => {
    const before = gateway.ports.size;
    for (const origin of ['http://evil.example', `http://localhost:${port + 1}`, 'null', 'https://app.example.evil']) {
      const res = await rawRequest(base, 'POST', '/media', { origin, 'content-type': 'text/plain' }, '{"is_video":true}');
      assert.equal(res.status, 403, origin);
      assertSkywayError(res.body, 'UNKNOWN', 'origin');
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    }
    assert.equal(gateway.ports.size, before);
  });

  it('refuses a browser request from another site that carries no Origin (Sec-Fetch-Site)', async () => {
    const res = await rawRequest(base, 'GET', '/media/vi-none/status', { 'sec-fetch-site': 'cross-site' });
    assert.equal(res.status, 403);
    const typed = await rawRequest(base, 'GET', '/media/vi-none/status', { 'sec-fetch-site': 'none' });
    assert.equal(typed.status, 404, 'a URL typed into the browser is not a forgery');
  });

  it('lets a link from another site open the demo page, and nothing else', async () => {
    const link = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' };
    assert.equal((await rawRequest(base, 'GET', '/demo/', link)).status, 200);
    assert.equal((await rawRequest(base, 'GET', '/media/vi-none/status', link)).status, 403);
    assert.equal((await rawRequest(base, 'POST', '/demo/', link)).status, 403);
  });

  it("accepts the API's own origin (the demo page, also behind a TLS proxy) and requests without Origin (curl, the Ruby samples)", async () => {
    const own = await rawRequest(base, 'POST', '/media/rtcp', { origin: `http://127.0.0.1:${port}` });
    assert.equal(own.status, 201);
    const proxied = await rawRequest(base, 'POST', '/media/rtcp', { origin: 'https://gateway.example', host: 'gateway.example' });
    assert.equal(proxied.status, 201);
    await rawRequest(base, 'DELETE', `/media/rtcp/${proxied.body.rtcp_id}`);
    const plain = await rawRequest(base, 'POST', '/media/rtcp');
    assert.equal(plain.status, 201);
    for (const body of [own.body, plain.body]) await rawRequest(base, 'DELETE', `/media/rtcp/${body.rtcp_id}`);
  });

  it('answers an allowed origin with CORS, its preflight included', async () => {
    const preflight = await rawRequest(base, 'OPTIONS', '/media', {
      origin: 'https://app.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
    assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
    assert.match(String(preflight.headers['access-control-allow-headers']), /Content-Type/);
    const res = await rawRequest(base, 'POST', '/media', { origin: 'https://app.example', 'content-type': 'application/json' }, '{"is_video":false}');
    assert.equal(res.status, 201);
    assert.equal(res.headers['access-control-allow-origin'], 'https://app.example');
    await rawRequest(base, 'DELETE', `/media/${res.body.media_id}`);
    const refusedPreflight = await rawRequest(base, 'OPTIONS', '/media', { origin: 'http://evil.example', 'access-control-request-method': 'POST' });
    assert.equal(refusedPreflight.status, 403);
  });
});

describe('REST API: api_token', () => {
  let gateway: Gateway;
  let base: string;
  before(async () => {
    ({ gateway, base } = await startTestGateway({ apiToken: TOKEN, demoPage: true }));
  });
  after(() => gateway.stop());

  it('answers 401 without the bearer token or with another, on every endpoint', async () => {
    for (const [method, path] of [
      ['POST', '/peers'],
      ['POST', '/media'],
      ['GET', '/media/vi-x/status'],
      ['DELETE', '/data/da-x'],
      ['GET', '/peers/p/events?token=t'],
      ['POST', '/media/connections'],
      ['PUT', '/data/connections/dc-x'],
      ['GET', '/nowhere'],
    ] as const) {
      for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`, TOKEN]) {
        const res = await rawRequest(base, method, path, authorization ? { authorization } : {});
        assert.equal(res.status, 401, `${method} ${path} with ${authorization}`);
        assertSkywayError(res.body, 'UNKNOWN', 'authorization');
        assert.match(String(res.headers['www-authenticate']), /^Bearer/);
      }
    }
  });

  it('serves the request with the right token', async () => {
    const res = await rawRequest(base, 'POST', '/data', { authorization: `Bearer ${TOKEN}` });
    assert.equal(res.status, 201);
    assert.equal((await rawRequest(base, 'DELETE', `/data/${res.body.data_id}`, { authorization: `bearer ${TOKEN}` })).status, 204);
  });

  it('serves the demo page without the token (a browser loads it by navigation; it holds no secret)', async () => {
    assert.equal((await rawRequest(base, 'GET', '/demo/')).status, 200);
    assert.equal((await rawRequest(base, 'GET', '/demo/config.json')).status, 200);
    for (const page of ['/demo/whep-player.html', '/demo/whip-publisher.html']) {
      const res = await rawRequest(base, 'GET', page);
      assert.equal(res.status, 200, page);
      assert.match(res.text, /RTCPeerConnection/, page);
    }
  });
});
