import assert from 'node:assert/strict';
import { connect as tcpConnect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';

import { computeAuthToken, encodeCredentialToken } from '../../src/signaling/PeerCredential.js';
import { connectionMargin } from '../../src/signaling/server/createSignalingHttpServer.js';
import type { SignalingConfig } from '../../src/signaling/server/SignalingConfig.js';
import type { SignalingServer, SignalingServerOptions } from '../../src/signaling/server/SignalingServer.js';
import { waitFor } from '../helpers/proc.js';
import { RawPeer, startSignaling } from '../helpers/signaling.js';

describe('embedded signaling server (PeerJS protocol)', () => {
  const servers: SignalingServer[] = [];
  const peers: RawPeer[] = [];
  const start = async (overrides: Partial<SignalingConfig> = {}, options: SignalingServerOptions = {}) => {
    const s = await startSignaling(overrides, options);
    servers.push(s.server);
    return s;
  };
  const connect = async (url: string, query: { id?: string; token?: string; key?: string } | string) => {
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

  describe('one id, one live socket', () => {
    it('refuses the same id with another token, and with the same token while its holder is alive (ID-TAKEN)', async () => {
      const { url, server } = await start();
      const first = await connect(url, { id: 'carol', token: 'secret-1', key: 'peerjs' });
      await first.waitFor((m) => m.type === 'OPEN');
      for (const token of ['other', 'secret-1']) {
        const newcomer = await connect(url, { id: 'carol', token, key: 'peerjs' });
        assert.deepEqual(await newcomer.waitFor((m) => m.type === 'ID-TAKEN'), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } }, token);
        await newcomer.waitClosed();
      }
      assert.equal(first.closed, false, 'the holder keeps its socket');
      const dave = await connect(url, { id: 'dave', token: 'x', key: 'peerjs' });
      dave.send({ type: 'OFFER', dst: 'carol', payload: {} });
      await first.waitFor((m) => m.type === 'OFFER' && m.src === 'dave');
      assert.equal(server.stats().idTaken, 2);
    });

    it('lets the same id and token in again once its holder closed, with what was sent to it meanwhile', async () => {
      const { url, server } = await start();
      const first = await connect(url, { id: 'erin', token: 't', key: 'peerjs' });
      await first.waitFor((m) => m.type === 'OPEN');
      first.close();
      await waitFor(() => server.stats().clients === 0, 3000, 'erin gone');
      const frank = await connect(url, { id: 'frank', token: 't', key: 'peerjs' });
      await frank.waitFor((m) => m.type === 'OPEN');
      frank.send({ type: 'OFFER', dst: 'erin', payload: { n: 1 } });
      await waitFor(() => server.stats().queued === 1, 3000, 'the OFFER queued');
      const again = await connect(url, { id: 'erin', token: 't', key: 'peerjs' });
      await again.waitFor((m) => m.type === 'OFFER');
      assert.deepEqual(again.received.map((m) => m.type), ['OPEN', 'OFFER']);
    });

    it('lets the same id and token take over, silently, from a holder silent past staleAfterMs', async () => {
      const gone: string[] = [];
      const { url, server } = await start({ staleAfterMs: 300 }, { onClientGone: (id) => gone.push(id) });
      const first = await connect(url, { id: 'gina', token: 't', key: 'peerjs' });
      await first.waitFor((m) => m.type === 'OPEN');
      await new Promise((r) => setTimeout(r, 500));
      const again = await connect(url, { id: 'gina', token: 't', key: 'peerjs' });
      await first.waitClosed();
      const hal = await connect(url, { id: 'hal', token: 't', key: 'peerjs' });
      hal.send({ type: 'OFFER', dst: 'gina', payload: { n: 2 } });
      await again.waitFor((m) => m.type === 'OFFER' && m.src === 'hal');
      assert.deepEqual(again.received.map((m) => m.type), ['OFFER'], 're-attaching sends no OPEN');
      assert.equal(server.stats().idTaken, 0);
      assert.deepEqual(gone, [], 'a re-attach is no departure');
      again.close();
      await waitFor(() => gone.length === 1, 3000, 'the departure');
      assert.deepEqual(gone, ['gina']);
    });
  });

  describe('limits', () => {
    /** An OFFER whose relayed form (src added) is about `bytes` long. */
    const offerOf = (dst: string, bytes: number) => ({ type: 'OFFER', dst, payload: 'x'.repeat(bytes - 60) });
    const expiresFor = (p: RawPeer, ghost: string) => p.received.filter((m) => m.type === 'EXPIRE' && m.src === ghost).length;

    it('refuses messages for absent peers past the bytes per peer and in total: EXPIRE at once', async () => {
      // Nothing expires by time during this test: any EXPIRE is a refusal.
      const { url, server } = await start({ expireTimeoutMs: 60000, maxQueuedBytesPerPeer: 4096, maxQueuedBytes: 10000 });
      const sender = await connect(url, { id: 'sender', token: 't', key: 'peerjs' });
      await sender.waitFor((m) => m.type === 'OPEN');
      // ~1900 bytes each: two fit under 4096 per peer; the total 10000 takes five.
      for (const ghost of ['ghost1', 'ghost1', 'ghost1', 'ghost2', 'ghost2', 'ghost3', 'ghost3']) sender.send(offerOf(ghost, 1900));
      assert.deepEqual(await sender.waitFor((m) => m.type === 'EXPIRE' && m.src === 'ghost1'), { type: 'EXPIRE', src: 'ghost1', dst: 'sender' });
      await sender.waitFor((m) => m.type === 'EXPIRE' && m.src === 'ghost3');
      const stats = server.stats();
      assert.equal(stats.queueRefused, 2);
      assert.equal(stats.queued, 5);
      assert.ok(stats.queuedBytes <= 10000, `${stats.queuedBytes} bytes queued`);
      assert.equal(expiresFor(sender, 'ghost2'), 0);
      const ghost1 = await connect(url, { id: 'ghost1', token: 't', key: 'peerjs' });
      await ghost1.waitFor((m) => m.type === 'OFFER');
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(ghost1.received.map((m) => m.type), ['OPEN', 'OFFER', 'OFFER'], 'what fitted is delivered');
    });

    it('disconnects a client that stopped reading (it did not drain in time); what it was sent waits as for an absent peer', async () => {
      const gone: string[] = [];
      const { url, server } = await start({ sendBufferLimitBytes: 256 * 1024, drainTimeoutMs: 500 }, { onClientGone: (id) => gone.push(id) });
      const slow = await connect(url, { id: 'slow', token: 't', key: 'peerjs' });
      await slow.waitFor((m) => m.type === 'OPEN');
      (slow.ws as unknown as { _socket: Socket })._socket.pause(); // it stops reading
      const sender = await connect(url, { id: 'fast', token: 't', key: 'peerjs' });
      await sender.waitFor((m) => m.type === 'OPEN');
      // Until the kernel's socket buffers and then the server's 256 KiB are full (bounded: 64 MiB).
      for (let i = 0; i < 1024 && server.stats().slowConsumers === 0; i++) {
        const text = JSON.stringify(offerOf('slow', 64 * 1024));
        await new Promise<void>((resolve) => sender.ws.send(text, () => resolve()));
        await new Promise((r) => setImmediate(r));
      }
      await waitFor(() => server.stats().slowConsumers === 1, 3000, 'the slow consumer dropped');
      slow.ws.terminate();
      assert.deepEqual(gone, ['slow']);
      assert.equal(server.stats().clients, 1, 'the sender stays');
      sender.send({ type: 'OFFER', dst: 'slow', payload: { after: true } });
      await waitFor(() => server.stats().queued >= 1, 3000, 'queued for the departed client');
      const back = await connect(url, { id: 'slow', token: 't', key: 'peerjs' });
      await back.waitFor((m) => m.type === 'OFFER' && m.payload?.after === true);
      assert.equal(sender.closed, false);
      assert.deepEqual(gone, ['slow'], 'reported once');
    });

    it('makes a flooding sender wait for a slow but reading destination instead of dropping either', async () => {
      const gone: string[] = [];
      const { url, server } = await start({ sendBufferLimitBytes: 1024 * 1024 }, { onClientGone: (id) => gone.push(id) });
      const busy = await connect(url, { id: 'busy', token: 't', key: 'peerjs' });
      await busy.waitFor((m) => m.type === 'OPEN');
      const flooder = await connect(url, { id: 'flooder', token: 't', key: 'peerjs' });
      await flooder.waitFor((m) => m.type === 'OPEN');
      // The destination reads in short bursts, 150 ms apart: slower than the flood arrives.
      const tcp = (busy.ws as unknown as { _socket: Socket })._socket;
      tcp.pause();
      const reader = setInterval(() => {
        tcp.resume();
        setTimeout(() => tcp.pause(), 5);
      }, 150);
      let pausedSeen = false;
      const watch = setInterval(() => (pausedSeen ||= server.stats().pausedSenders > 0), 5);
      try {
        // 16 MiB in one go: four times the limit would be dropped at once without flow control.
        const text = JSON.stringify(offerOf('busy', 256 * 1024));
        for (let i = 0; i < 64; i++) flooder.ws.send(text);
        await waitFor(() => busy.received.filter((m) => m.type === 'OFFER').length === 64, 30000, 'every OFFER delivered');
      } finally {
        clearInterval(reader);
        clearInterval(watch);
        tcp.resume();
      }
      assert.ok(pausedSeen, 'the flooder was paused at least once');
      assert.deepEqual(gone, []);
      assert.equal(server.stats().slowConsumers, 0);
      assert.equal(server.stats().pausedSenders, 0, 'resumed once the destination drained');
      assert.equal(busy.closed || flooder.closed, false);
    });

    it('bounds what all clients hold unsent together: readers that stopped are dropped, oldest first', async () => {
      const gone: string[] = [];
      // Each client may hold 64 MiB (its senders pause at 16 MiB), all of them together 2 MiB.
      const { url, server } = await start({ sendBufferLimitBytes: 64 * 1024 * 1024, maxUnsentBytes: 2 * 1024 * 1024 }, { onClientGone: (id) => gone.push(id) });
      const sender = await connect(url, { id: 'sender', token: 't', key: 'peerjs' });
      await sender.waitFor((m) => m.type === 'OPEN');
      const stalled: RawPeer[] = [];
      for (let i = 0; i < 12; i++) {
        const p = await connect(url, { id: `stalled${i}`, token: 't', key: 'peerjs' });
        await p.waitFor((m) => m.type === 'OPEN');
        (p.ws as unknown as { _socket: Socket })._socket.pause();
        stalled.push(p);
      }
      // 12 MiB each: more than the kernel's socket buffers take (about 10 MiB on loopback), less
      // than what pauses the sender, far more than 2 MiB for the twelve together.
      const text = (dst: string) => JSON.stringify(offerOf(dst, 256 * 1024));
      for (let round = 0; round < 48; round++) for (let i = 0; i < 12; i++) sender.ws.send(text(`stalled${i}`));
      // Well before the 10-s drain timeout could drop anyone.
      await waitFor(() => server.stats().slowConsumers > 0, 5000, 'readers that stopped dropped');
      assert.ok(gone.length > 0 && gone.every((id) => id.startsWith('stalled')), gone.join(','));
      assert.ok(server.stats().clients >= 1, 'the sender stays');
      for (const p of stalled) p.ws.terminate();
    });

    it('refuses a new client when canAdmit says no, with the connection-limit ERROR', async () => {
      let admit = false;
      const { url, server } = await start({}, { canAdmit: () => admit });
      const refused = await connect(url, { id: 'ivan', token: 't', key: 'peerjs' });
      assert.deepEqual(await refused.waitFor((m) => m.type === 'ERROR'), { type: 'ERROR', payload: { msg: 'Server has reached its concurrent user limit' } });
      await refused.waitClosed();
      assert.equal(server.stats().refusedByCanAdmit, 1);
      admit = true;
      const welcome = await connect(url, { id: 'ivan', token: 't', key: 'peerjs' });
      await welcome.waitFor((m) => m.type === 'OPEN');
    });

    it('holds at most maxClients plus a margin of connections, and drops a handshake that never finishes', async () => {
      // Long enough that no handshake times out while the others are still being opened on a busy
      // machine: the extra connection must be refused for want of room, not let in by a timeout.
      const { url, server } = await start({ maxClients: 2, handshakeTimeoutMs: 3000 });
      const { port } = server.address;
      const held = connectionMargin(2) + 2;
      const open = async (): Promise<{ socket: Socket; closed: Promise<void> }> => {
        const socket = tcpConnect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        socket.write('GET /peerjs?key=peerjs&id=x&token=t HTTP/1.1\r\nHost: x\r\n'); // never finished
        return { socket, closed };
      };
      const within = (what: string, p: Promise<unknown>) =>
        Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: not within 8 s`)), 8000).unref())]);
      const halfOpen = [];
      for (let i = 0; i < held; i++) halfOpen.push(await open());
      const extra = await open();
      await within('the extra connection closed on arrival', extra.closed);
      assert.ok(server.stats().connectionsDropped >= 1);
      await within('the handshakes timed out', Promise.all(halfOpen.map((c) => c.closed)));
      const after = await connect(url, { id: 'later', token: 't', key: 'peerjs' });
      await after.waitFor((m) => m.type === 'OPEN');
    });

    it('reports each departure to onClientGone once: closed, LEAVE, silent, credential expired', async () => {
      const secret = 'topsecret';
      const now = () => Math.floor(Date.now() / 1000);
      const tokenFor = (id: string, timestamp: number) => encodeCredentialToken({ timestamp, ttl: 600, authToken: computeAuthToken(secret, timestamp, 600, id) });
      const gone: string[] = [];
      const { url } = await start({ secret, aliveTimeoutMs: 1500 }, { onClientGone: (id) => gone.push(id) });
      const join = async (id: string, token = tokenFor(id, now())) => {
        const p = await connect(url, { id, token, key: 'peerjs' });
        await p.waitFor((m) => m.type === 'OPEN');
        return p;
      };
      const closer = await join('closer');
      const leaver = await join('leaver');
      // Valid for ~1.5 s more: stamped ttl - 1.5 s ago. It keeps beating so only expiry ends it.
      const expiring = await join('expiring', tokenFor('expiring', now() - 600 + 2));
      const beat = setInterval(() => expiring.send({ type: 'HEARTBEAT' }), 200);
      try {
        const silent = await join('silent');
        closer.close();
        leaver.send({ type: 'LEAVE' });
        await leaver.waitClosed();
        await silent.waitClosed(4000);
        await expiring.waitFor((m) => m.type === 'ERROR', 4000);
        await expiring.waitClosed();
      } finally {
        clearInterval(beat);
      }
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual([...gone].sort(), ['closer', 'expiring', 'leaver', 'silent']);
    });
  });

  it('refuses a wrong key, missing parameters and an invalid id with an ERROR, then closes', async () => {
    const { url } = await start();
    const cases: [Record<string, string>, string][] = [
      [{ id: 'x', token: 't', key: 'nope' }, 'Invalid key provided'],
      [{ id: 'x', key: 'peerjs' }, 'No id, token, or key supplied to websocket server'],
      [{ id: 'a/b', token: 't', key: 'peerjs' }, 'Invalid id provided'],
      [{ id: 'a__b', token: 't', key: 'peerjs' }, 'Invalid id provided'],
    ];
    for (const [query, msg] of cases) {
      const p = await connect(url, query);
      assert.deepEqual(await p.waitFor((m) => m.type === 'ERROR'), { type: 'ERROR', payload: { msg } });
      await p.waitClosed();
    }
  });

  it('keeps a "+" in an id verbatim, written as it is (the stock client) or as %2B; %20 is a space', async () => {
    const { url } = await start();
    const plain = await connect(url, 'key=peerjs&id=+81-90+1&token=t&version=1.5.5');
    const encoded = await connect(url, { id: 'a+b', token: 't', key: 'peerjs' });
    const spaced = await connect(url, 'key=peerjs&id=a%20b&token=t');
    const sender = await connect(url, { id: 'sender', token: 't', key: 'peerjs' });
    for (const p of [plain, encoded, spaced, sender]) await p.waitFor((m) => m.type === 'OPEN');
    for (const [dst, peer] of [['+81-90+1', plain], ['a+b', encoded], ['a b', spaced]] as const) {
      sender.send({ type: 'OFFER', dst, payload: { to: dst } });
      assert.deepEqual(await peer.waitFor((m) => m.type === 'OFFER'), { type: 'OFFER', dst, payload: { to: dst }, src: 'sender' });
    }
    encoded.send({ type: 'ANSWER', dst: 'sender', payload: {} });
    assert.equal((await sender.waitFor((m) => m.type === 'ANSWER')).src, 'a+b');
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
