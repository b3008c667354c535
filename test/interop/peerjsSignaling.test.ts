import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { computeAuthToken, encodeCredentialToken } from '../../src/signaling/PeerCredential.js';
import { startSignaling } from '../helpers/signaling.js';
import { loadStockPeerjs, peerjsOptions } from '../helpers/stockPeerjs.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

type PeerCtor = Awaited<ReturnType<typeof loadStockPeerjs>>;
type StockPeer = InstanceType<PeerCtor>;

function opened(peer: StockPeer): Promise<string> {
  return new Promise((resolve, reject) => {
    peer.on('open', resolve);
    peer.on('error', reject);
  });
}

function failed(peer: StockPeer): Promise<{ type: string; message: string }> {
  return new Promise((resolve) => peer.on('error', (e: Error & { type: string }) => resolve({ type: e.type, message: e.message })));
}

describe('the stock peerjs client (1.5.5) against the embedded signaling server', () => {
  let Peer: PeerCtor;
  let gateway: Gateway;
  let url: string;
  const stock: StockPeer[] = [];
  const make = (id: string | undefined, extra: Record<string, unknown> = {}): StockPeer => {
    const p = id === undefined ? new Peer(peerjsOptions(url, extra)) : new Peer(id, peerjsOptions(url, extra));
    stock.push(p);
    return p;
  };
  before(async () => {
    Peer = await loadStockPeerjs();
    ({ gateway } = await startTestGateway());
    url = `ws://127.0.0.1:${gateway.signaling!.address.port}/`;
  });
  after(async () => {
    stock.forEach((p) => p.destroy());
    await gateway.stop();
  });

  it('two stock peers open and exchange a DataConnection through it', async () => {
    const alice = make('alice');
    const bob = make('bob');
    assert.equal(await opened(alice), 'alice');
    assert.equal(await opened(bob), 'bob');
    const received = new Promise<unknown>((resolve) => {
      bob.on('connection', (conn) => conn.on('data', resolve));
    });
    const conn = alice.connect('bob', { reliable: true });
    await new Promise<void>((resolve) => conn.on('open', () => resolve()));
    conn.send({ hello: 'bob', n: [1, 2, 3] });
    assert.deepEqual(await received, { hello: 'bob', n: [1, 2, 3] });
  });

  it('gets an id from the server when it asks for none', async () => {
    const anon = make(undefined);
    assert.match(await opened(anon), /^[0-9a-f-]{36}$/);
  });

  it('reports unavailable-id for an id that is taken', async () => {
    await opened(make('duplicate'));
    const second = make('duplicate');
    assert.equal((await failed(second)).type, 'unavailable-id');
  });

  it('reaches a gateway peer: a stock client connecting to it shows up as a CONNECTION event with its metadata', async () => {
    const base = `http://127.0.0.1:${gateway.apiAddress.port}`;
    const res = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: 'gateway-side' });
    assert.equal(res.status, 201);
    const token = res.body.params.token;
    assert.equal((await call(base, 'GET', `/peers/gateway-side/events?token=${token}`)).body.event, 'OPEN');
    const browser = make('browser-like');
    await opened(browser);
    browser.connect('gateway-side', { metadata: { from: 'test' } });
    const connection = await call(base, 'GET', `/peers/gateway-side/events?token=${token}`);
    assert.equal(connection.body.event, 'CONNECTION');
    const status = await call(base, 'GET', `/data/connections/${connection.body.data_params.data_connection_id}/status`);
    assert.equal(status.body.remote_id, 'browser-like');
    assert.deepEqual(status.body.metadata, { from: 'test' });
  });

  it('two gateway peers find each other through it', async () => {
    const base = `http://127.0.0.1:${gateway.apiAddress.port}`;
    const a = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: 'gw-a' });
    const b = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: 'gw-b' });
    const tokenB = b.body.params.token;
    assert.equal((await call(base, 'GET', `/peers/gw-b/events?token=${tokenB}`)).body.event, 'OPEN');
    const dc = await call(base, 'POST', '/data/connections', { peer_id: 'gw-a', token: a.body.params.token, target_id: 'gw-b' });
    assert.equal(dc.status, 202);
    const atB = await call(base, 'GET', `/peers/gw-b/events?token=${tokenB}`);
    assert.equal(atB.body.event, 'CONNECTION');
    assert.equal((await call(base, 'GET', `/data/connections/${atB.body.data_params.data_connection_id}/status`)).body.remote_id, 'gw-a');
  });
});

describe('the stock peerjs client with peer authentication', () => {
  let Peer: PeerCtor;
  const secret = 's3cret';
  let server: Awaited<ReturnType<typeof startSignaling>>;
  before(async () => {
    Peer = await loadStockPeerjs();
    server = await startSignaling({ secret, expireTimeoutMs: 500 });
  });
  after(() => server.server.stop());

  it('passes its credential in the token (timestamp.ttl.base64url-authToken) and is let in', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const token = encodeCredentialToken({ timestamp, ttl: 3600, authToken: computeAuthToken(secret, timestamp, 3600, 'browser') });
    const p = new Peer('browser', peerjsOptions(server.url, { token }));
    try {
      assert.equal(await opened(p), 'browser');
    } finally {
      p.destroy();
    }
  });

  it('is refused with a server error when the credential is wrong', async () => {
    const p = new Peer('intruder', peerjsOptions(server.url, { token: 'made-up' }));
    try {
      const error = await failed(p);
      assert.equal(error.type, 'server-error');
      assert.match(error.message, /Invalid credential/);
    } finally {
      p.destroy();
    }
  });

  it('gets peer-unavailable (EXPIRE) when it calls a peer that never connects', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const token = encodeCredentialToken({ timestamp, ttl: 3600, authToken: computeAuthToken(secret, timestamp, 3600, 'caller') });
    const p = new Peer('caller', peerjsOptions(server.url, { token }));
    try {
      await opened(p);
      const errored = failed(p);
      p.connect('nobody-home');
      assert.equal((await errored).type, 'peer-unavailable');
    } finally {
      p.destroy();
    }
  });
});
