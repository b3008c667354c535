/// <reference lib="dom" />
// What a web page open in the operator's browser can do to the REST API on 127.0.0.1, driven
// through headless Chromium: cross-site request forgery with requests a page may send without
// asking (no-cors fetch, form, beacon, image), preflighted requests, DNS rebinding, and the pages
// that must keep working (an allowed origin, the gateway's own demo page).
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import type { Gateway } from '../../src/Gateway.js';
import { launchBrowser, startTestPageServer, type TestPageServer } from '../helpers/chromium.js';
import { HttpTraffic, type AnsweredRequest } from '../helpers/httpTraffic.js';
import { waitFor } from '../helpers/proc.js';
import { assertSkywayError } from '../helpers/skywayError.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

/** A name the attacker controls; Chromium resolves it to loopback, as a rebinding DNS server would. */
const EVIL = 'evil.example';
/** No-cors POSTs a hostile page sends in a row (unchecked, each one took a UDP port). */
const FLOOD = 50;

/** What a page's fetch came to: the status it could read, or the error it got instead. */
interface PageOutcome {
  status?: number;
  body?: any;
  error?: string;
}

/** Runs a fetch in the page; the page reads the answer if CORS lets it. */
function pageFetch(page: Page, url: string, init: RequestInit = {}): Promise<PageOutcome> {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const res = await fetch(url, init);
        const text = await res.text();
        return { status: res.status, ...(text && { body: JSON.parse(text) }) };
      } catch (error) {
        return { error: (error as Error).name };
      }
    },
    { url, init },
  );
}

const JSON_POST = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** The requests a gateway answered, as "METHOD url status"; the browser's own favicon requests left out. */
const summary = (answered: readonly AnsweredRequest[]): string[] =>
  answered.filter((r) => r.url !== '/favicon.ico').map((r) => `${r.method} ${r.url} ${r.status}`);

describe('the REST API against web pages in headless Chromium (CSRF, DNS rebinding)', () => {
  let browser: Browser;
  let gateway: Gateway;
  let base: string;
  let apiPort: number;
  let traffic: HttpTraffic;
  /** The hostile page's server, on another loopback address: http://127.0.0.2:port. */
  let hostile: TestPageServer;
  let hostileOrigin: string;
  /** The operator's own web app, listed in api_allowed_origins: http://localhost:port. */
  let app: TestPageServer;
  let appOrigin: string;
  const pages: Page[] = [];

  async function visit(url: string): Promise<Page> {
    const page = await browser.newPage();
    pages.push(page);
    await page.goto(url);
    return page;
  }

  before(async () => {
    hostile = await startTestPageServer('127.0.0.2');
    hostileOrigin = new URL(hostile.base).origin;
    app = await startTestPageServer('127.0.0.1');
    appOrigin = `http://localhost:${new URL(app.base).port}`;
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn', demoPage: true, apiAllowedOrigins: [appOrigin] }));
    apiPort = gateway.apiAddress.port;
    traffic = new HttpTraffic(apiPort);
    browser = await launchBrowser([`--host-resolver-rules=MAP ${EVIL} 127.0.0.1`]);
  });
  after(async () => {
    await browser?.close();
    traffic?.stop();
    await gateway?.stop();
    hostile?.close();
    app?.close();
  });
  beforeEach(() => traffic.clear());
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.close()));
  });

  it('a page of another origin creates no port and no peer with requests sent without preflight (no-cors fetch, form, beacon): each reaches the gateway and is answered 403', async () => {
    const ports = gateway.ports.size;
    const peers = gateway.peers.size;
    const page = await visit(hostile.base);
    const formLoaded = await page.evaluate(
      async ({ api, flood }) => {
        // (No named functions in here: tsx would wrap them in a helper the page does not have.)
        const simple: RequestInit = { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' } };
        for (let i = 0; i < flood; i++) await fetch(`${api}/media`, { ...simple, body: '{"is_video":true}' });
        await fetch(`${api}/peers`, { ...simple, body: '{"key":"peerjs","domain":"localhost","peer_id":"hijacked"}' });
        navigator.sendBeacon(`${api}/data`, '{}');
        // A text/plain form sends name=value: this one makes the body {"is_video":true,"x":"="}.
        const frame = document.createElement('iframe');
        frame.name = 'sink';
        document.body.append(frame);
        const form = document.createElement('form');
        Object.assign(form, { method: 'POST', enctype: 'text/plain', action: `${api}/media`, target: 'sink' });
        const field = document.createElement('input');
        Object.assign(field, { type: 'hidden', name: '{"is_video":true,"x":"', value: '"}' });
        form.append(field);
        document.body.append(form);
        const loaded = new Promise<boolean>((resolve) => {
          frame.addEventListener('load', () => resolve(true), { once: true });
          setTimeout(() => resolve(false), 10000);
        });
        form.submit();
        return loaded;
      },
      { api: base, flood: FLOOD },
    );
    assert.ok(formLoaded, 'the form answer loaded into the iframe');
    await waitFor(() => traffic.to('POST', '/data').length > 0, 10000, 'the beacon at the gateway');

    assert.deepEqual({ ports: gateway.ports.size, peers: gateway.peers.size }, { ports, peers }, 'no port and no peer was created');
    const attacks = [...traffic.to('POST', '/media'), ...traffic.to('POST', '/peers'), ...traffic.to('POST', '/data')];
    assert.equal(attacks.length, FLOOD + 3, 'every fetch, the beacon and the form reached the gateway');
    assert.deepEqual(summary(traffic.answered).filter((s) => !s.endsWith(' 403')), [], 'every one was answered 403');
    for (const r of attacks) assert.equal(r.origin, hostileOrigin, `${r.method} ${r.url} carried the page's Origin`);
  });

  it('a page of another origin cannot DELETE or PUT: the preflight is answered 403 and the request itself never reaches the gateway', async () => {
    const victim = (await call(base, 'POST', '/media', { is_video: false })).body;
    traffic.clear();
    const page = await visit(hostile.base);
    const deleted = await pageFetch(page, `${base}/media/${victim.media_id}`, { method: 'DELETE' });
    const put = await pageFetch(page, `${base}/data/connections/dc-x`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: '{"feed_params":null}' });
    assert.deepEqual([deleted, put], [{ error: 'TypeError' }, { error: 'TypeError' }], 'the browser refused both to the page');
    assert.deepEqual(summary(traffic.answered), [`OPTIONS /media/${victim.media_id} 403`, 'OPTIONS /data/connections/dc-x 403']);
    assert.equal((await call(base, 'GET', `/media/${victim.media_id}/status`)).status, 200, 'the port is still there');
    assert.equal((await call(base, 'DELETE', `/media/${victim.media_id}`)).status, 204);
  });

  it('an <img> of another site (a GET without Origin, Sec-Fetch-Site: cross-site) is answered 403', async () => {
    const victim = (await call(base, 'POST', '/media', { is_video: true })).body;
    traffic.clear();
    const page = await visit(hostile.base);
    const outcome = await page.evaluate(
      (src) =>
        new Promise<string>((resolve) => {
          const img = new Image();
          img.onload = () => resolve('load');
          img.onerror = () => resolve('error');
          setTimeout(() => resolve('timeout'), 10000);
          img.src = src;
        }),
      `${base}/media/${victim.media_id}/status`,
    );
    assert.equal(outcome, 'error');
    assert.deepEqual(summary(traffic.answered), [`GET /media/${victim.media_id}/status 403`]);
    assert.equal(traffic.answered[0]!.origin, undefined);
    assert.equal(traffic.answered[0]!.secFetchSite, 'cross-site');
    assert.equal((await call(base, 'DELETE', `/media/${victim.media_id}`)).status, 204);
  });

  it(`DNS rebinding: a page of ${EVIL} that has become same-origin with the API is answered 421, and so is any request for that Host`, async () => {
    // The attacker's name first resolves to the attacker's server, which serves the page; then to
    // 127.0.0.1, where the API listens on the same port, so the page's own-origin requests (which
    // it may read) reach the gateway. Played here by a page server whose port a gateway takes over.
    // The page comes from loopback: one from a public address would also meet Chromium's Private
    // Network Access checks, which other browsers do not have.
    const attacker = await startTestPageServer('127.0.0.1');
    const port = Number(new URL(attacker.base).port);
    const api = `http://${EVIL}:${port}`;
    const page = await visit(`${api}/`);
    attacker.close();
    const rebound = await startTestGateway({ logLevel: 'warn', demoPage: true, apiPort: port });
    const seen = new HttpTraffic(port);
    try {
      const created = await pageFetch(page, '/media', JSON_POST({ is_video: true }));
      assert.equal(created.status, 421, JSON.stringify(created));
      assertSkywayError(created.body, 'UNKNOWN', 'host');
      const simple = await pageFetch(page, '/data', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
      assert.equal(simple.status, 421);

      // Typed or linked URLs (no Origin): only the Host check stands in the way.
      const status = await page.goto(`${api}/media/vi-x/status`);
      assert.equal(status?.status(), 421);
      assertSkywayError(await status!.json(), 'UNKNOWN', 'host');
      assert.equal((await page.goto(`${api}/demo/`))?.status(), 421, 'the demo page is not served under that name either');

      assert.equal(rebound.gateway.ports.size, 0, 'no port was created');
      // Chromium sends a request answered 421 once more, on a new connection (RFC 9110 section
      // 15.5.20 lets a client retry a misdirected request): each may arrive twice.
      const requests = seen.answered.filter((r) => r.url !== '/favicon.ico');
      const distinct = [...new Set(requests.map((r) => `${r.method} ${r.url} ${r.status} from ${r.origin}`))];
      assert.deepEqual(distinct, [
        `POST /media 421 from ${api}`,
        `POST /data 421 from ${api}`,
        'GET /media/vi-x/status 421 from undefined',
        'GET /demo/ 421 from undefined',
      ]);
      assert.ok(requests.length <= 2 * distinct.length, summary(requests).join(', '));
      for (const r of seen.answered) assert.equal(r.host, `${EVIL}:${port}`);
    } finally {
      seen.stop();
      await rebound.gateway.stop();
    }
  });

  it('a page of an origin in api_allowed_origins creates and deletes a port with preflighted JSON requests and reads the answers', async () => {
    const ports = gateway.ports.size;
    const page = await visit(`${appOrigin}/`);
    const created = await pageFetch(page, `${base}/media`, JSON_POST({ is_video: true }));
    assert.equal(created.status, 201, JSON.stringify(created));
    assert.match(created.body.media_id, /^vi-/);
    assert.equal(gateway.ports.size, ports + 1);
    const deleted = await pageFetch(page, `${base}/media/${created.body.media_id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 204);
    assert.equal(gateway.ports.size, ports);
    assert.deepEqual(summary(traffic.answered), [
      'OPTIONS /media 204',
      'POST /media 201',
      `OPTIONS /media/${created.body.media_id} 204`,
      `DELETE /media/${created.body.media_id} 204`,
    ]);
    for (const r of traffic.answered) assert.equal(r.origin, appOrigin);
  });

  it("the gateway's own demo page loads, reads its config.json, opens its peer and may call the API from its origin", async () => {
    const page = await visit(`${base}/demo/?id=csrf-demo&send=0`);
    // The signaling port is ephemeral: the page finds it only in config.json.
    assert.equal(await page.evaluate(() => (window as any).demo.opened), 'csrf-demo');
    assert.deepEqual(summary(traffic.to('GET', '/demo/config.json')), ['GET /demo/config.json 200']);
    const created = await pageFetch(page, '/data', JSON_POST({}));
    assert.equal(created.status, 201, JSON.stringify(created));
    assert.equal(traffic.to('POST', '/data')[0]!.origin, new URL(base).origin);
    assert.equal((await pageFetch(page, `/data/${created.body.data_id}`, { method: 'DELETE' })).status, 204);
  });
});
