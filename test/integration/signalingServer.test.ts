import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { computeAuthToken, encodeCredentialToken } from '../../src/signaling/PeerCredential.js';
import type { SignalingServer } from '../../src/signaling/server/SignalingServer.js';
import { waitFor } from '../helpers/proc.js';
import { RawPeer, startSignaling } from '../helpers/signaling.js';

describe('embedded signaling server (PeerJS protocol)', () => {
  const servers: SignalingServer[] = [];
  const peers: RawPeer[] = [];
  const start = async (overrides = {}) => {
    const s = await startSignaling(overrides);
    servers.push(s.server);
    return s;
  };
  const connect = async (url: string, query: { id?: string; token?: string; key?: string }) => {
    const p = await RawPeer.connect(url, query);
    peers.push(p);
    return p;
  };
  after(async () => {
    peers.forEach((p) => p.close());
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('answers OPEN to a new id and relays OFFER, ANSWER and CANDIDATE with src added', async () => {
    const { url } = await start();
    const a = await connect(url, { id: 'alice', token: 't1', key: 'peerjs' });
    const b = await connect(url, { id: 'bob', token: 't2', key: 'peerjs' });
    await a.waitFor((m) => m.type === 'OPEN');
    await b.waitFor((m) => m.type === 'OPEN');
    const payload = { sdp: { type: 'offer', sdp: 'v=0' }, type: 'media', connectionId: 'mc_1' };
    a.send({ type: 'OFFER', dst: 'bob', payload });
    const got = await b.waitFor((m) => m.type === 'OFFER');
    assert.deepEqual(got, { type: 'OFFER', dst: 'bob', payload, src: 'alice' });
    b.send({ type: 'ANSWER', dst: 'alice', payload: { connectionId: 'mc_1' }, src: 'mallory' });
    const answer = await a.waitFor((m) => m.type === 'ANSWER');
    assert.equal(answer.src, 'bob', 'a forged src is overridden');
    for (const type of ['CANDIDATE', 'LEAVE', 'EXPIRE']) {
      a.send({ type, dst: 'bob', payload: { n: type } });
      assert.equal((await b.waitFor((m) => m.type === type)).payload.n, type);
    }
  });

  it('refuses the same id with another token (ID-TAKEN), and re-attaches the same id and token silently', async () => {
    const { url, server } = await start();
    const first = await connect(url, { id: 'carol', token: 'secret-1', key: 'peerjs' });
    await first.waitFor((m) => m.type === 'OPEN');
    const thief = await connect(url, { id: 'carol', token: 'other', key: 'peerjs' });
    assert.deepEqual(await thief.waitFor((m) => m.type === 'ID-TAKEN'), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
    await thief.waitClosed();
    const again = await connect(url, { id: 'carol', token: 'secret-1', key: 'peerjs' });
    await first.waitClosed();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(again.received.length, 0, 're-attaching sends nothing');
    assert.equal(server.stats().clients, 1);
    const dave = await connect(url, { id: 'dave', token: 'x', key: 'peerjs' });
    dave.send({ type: 'OFFER', dst: 'carol', payload: {} });
    await again.waitFor((m) => m.type === 'OFFER' && m.src === 'dave');
  });

  it('refuses a wrong key, missing parameters and an invalid id with an ERROR, then closes', async () => {
    const { url } = await start();
    const cases: [Record<string, string>, string][] = [
      [{ id: 'x', token: 't', key: 'nope' }, 'Invalid key provided'],
      [{ id: 'x', key: 'peerjs' }, 'No id, token, or key supplied to websocket server'],
      [{ id: 'a+b', token: 't', key: 'peerjs' }, 'Invalid id provided'],
    ];
    for (const [query, msg] of cases) {
      const p = await connect(url, query);
      assert.deepEqual(await p.waitFor((m) => m.type === 'ERROR'), { type: 'ERROR', payload: { msg } });
      await p.waitClosed();
    }
  });

  it('queues messages for a peer not yet connected and delivers them when it arrives', async () => {
    const { url } = await start();
    const a = await connect(url, { id: 'early', token: 't', key: 'peerjs' });
    await a.waitFor((m) => m.type === 'OPEN');
    a.send({ type: 'OFFER', dst: 'late', payload: { n: 1 } });
    a.send({ type: 'CANDIDATE', dst: 'late', payload: { n: 2 } });
    await new Promise((r) => setTimeout(r, 100));
    const late = await connect(url, { id: 'late', token: 't', key: 'peerjs' });
    await late.waitFor((m) => m.type === 'CANDIDATE');
    assert.deepEqual(late.received.map((m) => m.type), ['OPEN', 'OFFER', 'CANDIDATE']);
  });

  it('tells the sender EXPIRE when the destination never comes', async () => {
    const { url, server } = await start({ expireTimeoutMs: 300 });
    const a = await connect(url, { id: 'waiting', token: 't', key: 'peerjs' });
    await a.waitFor((m) => m.type === 'OPEN');
    a.send({ type: 'OFFER', dst: 'ghost', payload: {} });
    a.send({ type: 'CANDIDATE', dst: 'ghost', payload: {} });
    const expire = await a.waitFor((m) => m.type === 'EXPIRE', 3000);
    assert.deepEqual(expire, { type: 'EXPIRE', src: 'ghost', dst: 'waiting' });
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(a.received.filter((m) => m.type === 'EXPIRE').length, 1, 'once per sender and destination');
    assert.equal(server.stats().queued, 0);
  });

  it('closes only the offending socket on a malformed or oversized message', async () => {
    const { url, server } = await start({ maxMessageBytes: 1024 });
    const good = await connect(url, { id: 'good', token: 't', key: 'peerjs' });
    const other = await connect(url, { id: 'other', token: 't', key: 'peerjs' });
    await good.waitFor((m) => m.type === 'OPEN');
    for (const bad of ['not json', '[1,2]', '{"type":"BOGUS"}', '{"type":"OFFER","dst":5}', JSON.stringify({ type: 'OFFER', dst: 'good', payload: 'x'.repeat(2000) })]) {
      const p = await connect(url, { id: `bad${peers.length}`, token: 't', key: 'peerjs' });
      await p.waitFor((m) => m.type === 'OPEN');
      p.send(bad);
      await p.waitClosed();
    }
    assert.ok(server.stats().malformed >= 4);
    other.send({ type: 'OFFER', dst: 'good', payload: { still: 'working' } });
    assert.equal((await good.waitFor((m) => m.type === 'OFFER')).payload.still, 'working');
  });

  it('drops a client that stays silent past the alive timeout, and keeps one that sends heartbeats', async () => {
    const { url, server } = await start({ aliveTimeoutMs: 600 });
    const silent = await connect(url, { id: 'silent', token: 't', key: 'peerjs' });
    const chatty = await connect(url, { id: 'chatty', token: 't', key: 'peerjs' });
    const beat = setInterval(() => chatty.send({ type: 'HEARTBEAT' }), 200);
    try {
      await silent.waitClosed(4000);
      assert.equal(chatty.closed, false);
      assert.equal(server.stats().clients, 1);
    } finally {
      clearInterval(beat);
    }
  });

  it('serves GET {key}/id and, only with discovery, {key}/peers, cross-origin', async () => {
    const { http } = await start();
    const id = await fetch(`${http}peerjs/id`);
    assert.equal(id.status, 200);
    assert.equal(id.headers.get('access-control-allow-origin'), '*');
    assert.match(await id.text(), /^[0-9a-f-]{36}$/);
    assert.equal((await fetch(`${http}wrong/id`)).status, 401);
    assert.equal((await fetch(`${http}peerjs/peers`)).status, 401, 'discovery is off by default');
    assert.equal((await fetch(`${http}`)).status, 200);

    const open = await start({ allowDiscovery: true });
    const p = await connect(open.url, { id: 'visible', token: 't', key: 'peerjs' });
    await p.waitFor((m) => m.type === 'OPEN');
    assert.deepEqual(await (await fetch(`${open.http}peerjs/peers`)).json(), ['visible']);
  });

  it('mounts at a configured path', async () => {
    const { url, http } = await start({ path: '/myapp' });
    assert.match(url, /\/myapp\/$/);
    const p = await connect(url, { id: 'mounted', token: 't', key: 'peerjs' });
    await p.waitFor((m) => m.type === 'OPEN');
    assert.equal((await fetch(`${http}peerjs/id`)).status, 200);
  });

  describe('peer authentication', () => {
    const secret = 'topsecret';
    const now = () => Math.floor(Date.now() / 1000);
    const tokenFor = (id: string, timestamp: number, ttl: number, key = secret) =>
      encodeCredentialToken({ timestamp, ttl, authToken: computeAuthToken(key, timestamp, ttl, id) });

    it('accepts a valid credential and refuses a missing, forged or expired one', async () => {
      const { url } = await start({ secret });
      const ok = await connect(url, { id: 'auth1', token: tokenFor('auth1', now(), 3600), key: 'peerjs' });
      await ok.waitFor((m) => m.type === 'OPEN');
      const cases: [string, string, string][] = [
        ['missing', 'plain-token', 'Invalid credential provided'],
        ['forged', tokenFor('auth2', now(), 3600, 'wrong secret'), 'Invalid credential provided'],
        ['for another id', tokenFor('someone', now(), 3600), 'Invalid credential provided'],
        ['expired', tokenFor('auth2', now() - 4000, 3600), 'Credential expired'],
        ['with a ttl out of range', tokenFor('auth2', now(), 60), 'Invalid credential provided'],
      ];
      for (const [what, token, msg] of cases) {
        const p = await connect(url, { id: 'auth2', token, key: 'peerjs' });
        assert.deepEqual(await p.waitFor((m) => m.type === 'ERROR'), { type: 'ERROR', payload: { msg } }, what);
        await p.waitClosed();
      }
    });

    it('closes the connection when the credential expires, unless it is renewed', async () => {
      const { url } = await start({ secret });
      // Valid for ~1.5 s more: stamped ttl - 1.5 s ago.
      const stamp = now() - 600 + 2;
      const p = await connect(url, { id: 'short', token: tokenFor('short', stamp, 600), key: 'peerjs' });
      await p.waitFor((m) => m.type === 'OPEN');
      const q = await connect(url, { id: 'renewed', token: tokenFor('renewed', stamp, 600), key: 'peerjs' });
      await q.waitFor((m) => m.type === 'OPEN');
      const fresh = now();
      q.send({ type: 'CREDENTIAL', payload: { timestamp: fresh, ttl: 3600, authToken: computeAuthToken(secret, fresh, 3600, 'renewed') } });
      assert.deepEqual(await p.waitFor((m) => m.type === 'ERROR', 5000), { type: 'ERROR', payload: { msg: 'Credential expired' } });
      await p.waitClosed();
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(q.closed, false, 'the renewed connection stays');
    });
  });

  it('holds many connections and cleans up after them', async () => {
    const { url, server } = await start();
    const many = await Promise.all(Array.from({ length: 200 }, (_, i) => connect(url, { id: `m${i}`, token: 't', key: 'peerjs' })));
    await waitFor(() => server.stats().clients === 200, 3000, '200 clients');
    many.forEach((p) => p.close());
    await waitFor(() => server.stats().clients === 0, 3000, 'all gone');
  });
});
