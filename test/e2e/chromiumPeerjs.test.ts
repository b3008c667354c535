/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Page } from 'playwright-core';

import type { Gateway } from '../../src/Gateway.js';
import { computeAuthToken, encodeCredentialToken } from '../../src/signaling/PeerCredential.js';
import { launchChromium, type TestBrowser } from '../helpers/chromium.js';
import { waitFor } from '../helpers/proc.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

const PAGE = '<!doctype html><title>peerjs</title><script src="/peerjs.min.js"></script>';

/** Opens a stock peerjs Peer in the page (window.peer); resolves with its id or an error. */
function openPeer(page: Page, id: string, port: number, token?: string): Promise<{ id?: string; error?: string }> {
  return page.evaluate(
    ({ id, port, token }) =>
      new Promise<{ id?: string; error?: string }>((resolve) => {
        const w = window as unknown as { peerjs: { Peer: new (id: string, o: object) => any }; peer: any; received: unknown[] };
        w.received = [];
        const peer = new w.peerjs.Peer(id, { host: '127.0.0.1', port, path: '/', secure: false, debug: 0, ...(token && { token }) });
        w.peer = peer;
        peer.on('open', (opened: string) => resolve({ id: opened }));
        peer.on('error', (e: { type: string; message: string }) => resolve({ error: `${e.type}: ${e.message}` }));
        peer.on('connection', (conn: any) => conn.on('data', (d: unknown) => w.received.push(d)));
      }),
    { id, port, token },
  );
}

describe('the stock peerjs client in headless Chromium against the embedded signaling server', () => {
  let chromium: TestBrowser;
  let gateway: Gateway;
  let port: number;
  before(async () => {
    chromium = await launchChromium();
    ({ gateway } = await startTestGateway());
    port = gateway.signaling!.address.port;
  });
  after(async () => {
    await chromium.close();
    await gateway.stop();
  });

  it('two browser pages open and exchange data over a DataConnection', async () => {
    const a = await chromium.newPage(PAGE);
    const b = await chromium.newPage(PAGE);
    try {
      assert.deepEqual(await openPeer(a, 'page-a', port), { id: 'page-a' });
      assert.deepEqual(await openPeer(b, 'page-b', port), { id: 'page-b' });
      await b.evaluate(
        () =>
          new Promise<void>((resolve) => {
            const conn = (window as unknown as { peer: any }).peer.connect('page-a', { reliable: true });
            conn.on('open', () => {
              conn.send({ from: 'page-b', bytes: [1, 2, 3] });
              resolve();
            });
          }),
      );
      await waitFor(async () => (await a.evaluate(() => (window as unknown as { received: unknown[] }).received.length)) > 0, 10000, 'data at page a');
      assert.deepEqual(await a.evaluate(() => (window as unknown as { received: unknown[] }).received[0]), { from: 'page-b', bytes: [1, 2, 3] });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a browser page reaches a gateway peer by its id', async () => {
    const base = `http://127.0.0.1:${gateway.apiAddress.port}`;
    const res = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: 'the-gateway' });
    const token = res.body.params.token;
    assert.equal((await call(base, 'GET', `/peers/the-gateway/events?token=${token}`)).body.event, 'OPEN');
    const page = await chromium.newPage(PAGE);
    try {
      await openPeer(page, 'browser', port);
      await page.evaluate(() => (window as unknown as { peer: any }).peer.connect('the-gateway'));
      const event = await call(base, 'GET', `/peers/the-gateway/events?token=${token}`);
      assert.equal(event.body.event, 'CONNECTION');
      const status = await call(base, 'GET', `/data/connections/${event.body.data_params.data_connection_id}/status`);
      assert.equal(status.body.remote_id, 'browser');
    } finally {
      await page.close();
    }
  });
});

describe('peer authentication with the stock peerjs client in Chromium', () => {
  const secret = 'e2e-secret';
  let chromium: TestBrowser;
  let gateway: Gateway;
  before(async () => {
    chromium = await launchChromium();
    ({ gateway } = await startTestGateway({ signaling: { host: '127.0.0.1', port: 0, path: '/', key: 'peerjs', secret, allowDiscovery: false } }));
  });
  after(async () => {
    await chromium.close();
    await gateway.stop();
  });

  it('opens with a credential in the token and is refused without one', async () => {
    const port = gateway.signaling!.address.port;
    const timestamp = Math.floor(Date.now() / 1000);
    const token = encodeCredentialToken({ timestamp, ttl: 3600, authToken: computeAuthToken(secret, timestamp, 3600, 'authed-page') });
    const ok = await chromium.newPage(PAGE);
    const bad = await chromium.newPage(PAGE);
    try {
      assert.deepEqual(await openPeer(ok, 'authed-page', port, token), { id: 'authed-page' });
      const refused = await openPeer(bad, 'unauthed-page', port, 'no-credential');
      assert.match(refused.error ?? '', /^server-error: Invalid credential/);
    } finally {
      await ok.close();
      await bad.close();
    }
  });
});
