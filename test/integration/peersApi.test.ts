import assert from 'node:assert/strict';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { computeAuthToken } from '../../src/signaling/PeerCredential.js';
import { waitFor } from '../helpers/proc.js';
import { RawPeer, startPeerPackageServer, startSignaling } from '../helpers/signaling.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

async function createPeer(base: string, body: Record<string, unknown> = {}) {
  const res = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', ...body });
  return res;
}

async function nextEvent(base: string, id: string, token: string) {
  return call(base, 'GET', `/peers/${encodeURIComponent(id)}/events?token=${token}`);
}

describe('gateway peers over REST (embedded signaling server)', () => {
  let gateway: Gateway;
  let base: string;
  before(async () => {
    ({ gateway, base } = await startTestGateway({ eventTimeoutMs: 1000 }));
  });
  after(() => gateway.stop());

  it('POST /peers answers 201 with the id and a pt- token, then OPEN comes as an event', async () => {
    const res = await createPeer(base, { peer_id: 'gw-peer_1' });
    assert.equal(res.status, 201);
    assert.equal(res.body.command_type, 'PEERS_CREATE');
    assert.equal(res.body.params.peer_id, 'gw-peer_1');
    assert.match(res.body.params.token, new RegExp(`^pt-${UUID}$`));
    const event = await nextEvent(base, 'gw-peer_1', res.body.params.token);
    assert.equal(event.status, 200);
    assert.deepEqual(event.body, { event: 'OPEN', params: { peer_id: 'gw-peer_1', token: res.body.params.token } });
    const status = await call(base, 'GET', `/peers/gw-peer_1/status?token=${res.body.params.token}`);
    assert.deepEqual(status.body, { peer_id: 'gw-peer_1', disconnected: false, refused_offers: {} });
    assert.equal(gateway.signaling!.stats().clients >= 1, true);
  });

  it('gets an id from the signaling server when none is given', async () => {
    const res = await createPeer(base);
    assert.equal(res.status, 201);
    assert.match(res.body.params.peer_id, new RegExp(`^${UUID}$`));
  });

  it('rejects an id the PeerJS rules (with "+") do not allow with a 400', async () => {
    for (const peer_id of ['a/b', 'a  b', '-x', 'x_', '+-', '', 'é', 'a%2Bb']) {
      const res = await createPeer(base, { peer_id });
      assert.equal(res.status, 400, peer_id);
      assert.equal(res.body.params.errors[0].field, 'peer_id');
    }
    const missing = await call(base, 'POST', '/peers', { domain: 'localhost' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.params.errors, [{ field: 'key', message: 'key field is not specified' }]);
  });

  it('keeps a "+" in a peer id verbatim: in the body, in a path as %2B or as it is', async () => {
    for (const peer_id of ['a+b', '+81-90+1234', 'x+']) {
      const res = await createPeer(base, { peer_id });
      assert.equal(res.status, 201, `${peer_id}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.params.peer_id, peer_id);
      const token = res.body.params.token;
      const open = await call(base, 'GET', `/peers/${encodeURIComponent(peer_id)}/events?token=${token}`);
      assert.deepEqual(open.body, { event: 'OPEN', params: { peer_id, token } });
      // A "+" in a path is a plus (only a query string's form encoding makes it a space).
      const status = await call(base, 'GET', `/peers/${peer_id}/status?token=${token}`);
      assert.equal(status.body.peer_id, peer_id);
      assert.equal(gateway.signaling!.stats().clients >= 1, true);
      assert.equal((await call(base, 'DELETE', `/peers/${encodeURIComponent(peer_id)}?token=${token}`)).status, 204);
    }
    const other = await createPeer(base, { peer_id: 'a b' });
    assert.equal(other.status, 201, 'a space is another id');
    assert.equal((await call(base, 'GET', `/peers/a+b/status?token=${other.body.params.token}`)).status, 404, '"a+b" is not "a b"');
    assert.equal((await call(base, 'GET', `/peers/a%20b/status?token=${other.body.params.token}`)).status, 200);
  });

  it('refuses an id already used by a peer of this gateway', async () => {
    assert.equal((await createPeer(base, { peer_id: 'twice' })).status, 201);
    const again = await createPeer(base, { peer_id: 'twice' });
    assert.equal(again.status, 400);
    assert.match(again.body.params.errors[0].message, /already used/);
  });

  it('answers 400 when someone else holds the id, keeps nothing of the peer, and the id works once free', async () => {
    const { port } = gateway.signaling!.address;
    const holder = await RawPeer.connect(`ws://127.0.0.1:${port}/`, { id: 'taken', token: 'theirs', key: 'peerjs' });
    await holder.waitFor((m) => m.type === 'OPEN');
    const res = await createPeer(base, { peer_id: 'taken' });
    assert.equal(res.status, 400);
    assert.equal(res.body.command_type, 'PEERS_CREATE');
    assert.equal(res.body.params.errors[0].field, 'peer_id');
    assert.match(res.body.params.errors[0].message, /taken/);
    assert.equal((await call(base, 'GET', '/peers/taken/status?token=x')).status, 404, 'no peer was kept');
    holder.close();
    // No restart needed: once the id is free, a new peer gets it.
    await holder.waitClosed();
    await waitFor(async () => (await createPeer(base, { peer_id: 'taken' })).status === 201, 2000, 'id free again');
  });

  it('answers 403 for a key the signaling server refuses, and keeps no peer', async () => {
    const res = await createPeer(base, { peer_id: 'wrong-key', key: 'not-the-key' });
    assert.equal(res.status, 403);
    assert.equal(res.body.command_type, 'PEERS_CREATE');
    assert.equal(res.body.params.errors[0].field, 'key');
    assert.equal((await call(base, 'GET', '/peers/wrong-key/status?token=x')).status, 404);
  });

  it('answers POST /peers for an id just deleted with 201 and OPEN, never UNAVAILABLE_ID (10 rounds)', async () => {
    let res = await createPeer(base, { peer_id: 'recycled' });
    for (let round = 0; round < 10; round++) {
      assert.equal(res.status, 201, `round ${round}`);
      const token = res.body.params.token;
      assert.equal((await nextEvent(base, 'recycled', token)).body.event, 'OPEN', `round ${round}`);
      const [deleted, created] = await Promise.all([call(base, 'DELETE', `/peers/recycled?token=${token}`), createPeer(base, { peer_id: 'recycled' })]);
      assert.equal(deleted.status, 204);
      res = created;
    }
    assert.equal(res.status, 201);
    assert.deepEqual((await nextEvent(base, 'recycled', res.body.params.token)).body.event, 'OPEN');
  });

  it('answers 403 for a wrong token, 404 for an unknown peer and 400 for a missing token', async () => {
    const { body } = await createPeer(base, { peer_id: 'guarded' });
    for (const path of ['/peers/guarded/events', '/peers/guarded/status']) {
      assert.equal((await call(base, 'GET', `${path}?token=pt-wrong`)).status, 403);
      assert.equal((await call(base, 'GET', path)).status, 400);
    }
    assert.equal((await call(base, 'DELETE', '/peers/guarded?token=pt-wrong')).status, 403);
    const unknown = await call(base, 'GET', `/peers/nobody/status?token=${body.params.token}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.command_type, 'PEERS_STATUS');
    assert.equal((await call(base, 'POST', '/peers/guarded/status')).status, 405);
  });

  it('answers 408 after the idle timeout, and hands each of several waiting polls a distinct event', async () => {
    const { body } = await createPeer(base, { peer_id: 'polled' });
    const token = body.params.token;
    assert.equal((await nextEvent(base, 'polled', token)).body.event, 'OPEN');
    const started = Date.now();
    const idle = await nextEvent(base, 'polled', token);
    assert.equal(idle.status, 408);
    assert.equal(idle.body.command_type, 'PEERS_EVENTS');
    assert.ok(Date.now() - started >= 900);
    // Three polls wait at once; three events arrive: each poll gets one, in order, none twice.
    const polls = [nextEvent(base, 'polled', token), nextEvent(base, 'polled', token), nextEvent(base, 'polled', token)];
    await new Promise((r) => setTimeout(r, 100));
    const peer = gateway.peers.get('polled', token);
    for (const remainingSec of [3, 2, 1]) peer.events.push({ event: 'EXPIRESIN', params: peer.params, remainingSec });
    const results = await Promise.all(polls);
    assert.deepEqual(results.map((r) => r.body.remainingSec), [3, 2, 1]);
  });

  it('DELETE /peers/{id} answers 204, leaves the signaling server and ends pending polls', async () => {
    const { body } = await createPeer(base, { peer_id: 'leaving' });
    const token = body.params.token;
    assert.equal((await nextEvent(base, 'leaving', token)).body.event, 'OPEN');
    const clients = gateway.signaling!.stats().clients;
    const waiting = nextEvent(base, 'leaving', token);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await call(base, 'DELETE', `/peers/leaving?token=${token}`)).status, 204);
    assert.equal((await waiting).status, 404);
    await waitFor(() => gateway.signaling!.stats().clients === clients - 1, 2000, 'signaling socket closed');
    assert.equal((await call(base, 'DELETE', `/peers/leaving?token=${token}`)).status, 404);
  });

  it('creates 100 peers concurrently with distinct ids, and create/delete cycles leave nothing behind', async () => {
    const before = { peers: gateway.peers.size, clients: gateway.signaling!.stats().clients };
    const created = await Promise.all(Array.from({ length: 100 }, () => createPeer(base)));
    assert.ok(created.every((r) => r.status === 201));
    assert.equal(new Set(created.map((r) => r.body.params.peer_id)).size, 100);
    await waitFor(() => gateway.signaling!.stats().clients === before.clients + 100, 5000, '100 signaling clients');
    await Promise.all(created.map((r) => call(base, 'DELETE', `/peers/${r.body.params.peer_id}?token=${r.body.params.token}`)));
    for (let round = 0; round < 3; round++) {
      const batch = await Promise.all(Array.from({ length: 30 }, () => createPeer(base)));
      await Promise.all(batch.map((r) => call(base, 'DELETE', `/peers/${r.body.params.peer_id}?token=${r.body.params.token}`)));
    }
    assert.equal(gateway.peers.size, before.peers);
    await waitFor(() => gateway.signaling!.stats().clients === before.clients, 5000, 'signaling clients back to where they were');
  });
});

describe('gateway peers and other signaling servers', () => {
  it('registers with the `peer` package as an external PeerJS server', async () => {
    const external = await startPeerPackageServer('/external');
    const { gateway, base } = await startTestGateway({ signaling: undefined, signalingUrl: external.url });
    try {
      const res = await createPeer(base, { peer_id: 'on-peer-server' });
      assert.equal(res.status, 201);
      assert.equal((await nextEvent(base, 'on-peer-server', res.body.params.token)).body.event, 'OPEN');
      const generated = await createPeer(base);
      assert.equal(generated.status, 201, 'the id came from the peer server');
    } finally {
      await gateway.stop();
      external.kill();
    }
  });

  it("never shows the REST token to an external signaling server: what it sees opens nothing on the REST API", async () => {
    const external = await startPeerPackageServer('/');
    // Between the gateway and the `peer` server: a TCP relay that notes each request line.
    const seen: string[] = [];
    const relay = createNetServer((client) => {
      const upstream = connect(external.port, '127.0.0.1');
      client.once('data', (first: Buffer) => {
        seen.push(first.toString().split('\r\n')[0]!);
        upstream.write(first);
        client.pipe(upstream).pipe(client);
      });
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop);
      upstream.on('error', drop);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const { gateway, base } = await startTestGateway({ signaling: undefined, signalingUrl: `ws://127.0.0.1:${(relay.address() as AddressInfo).port}/` });
    try {
      const res = await createPeer(base, { peer_id: 'watched' });
      assert.equal(res.status, 201);
      const restToken = res.body.params.token as string;
      const upgrade = seen.find((line) => line.includes('/peerjs?'));
      assert.ok(upgrade, `the relay saw the WebSocket request: ${seen.join(' | ')}`);
      const signalingToken = new URL(upgrade.split(' ')[1]!, 'http://x').searchParams.get('token')!;
      assert.ok(signalingToken.length >= 16, 'an unguessable signaling token');
      assert.notEqual(signalingToken, restToken);
      assert.equal(seen.join('\n').includes(restToken), false, 'the REST token never went to the signaling server');
      assert.equal((await call(base, 'GET', `/peers/watched/status?token=${signalingToken}`)).status, 403);
      assert.equal((await call(base, 'DELETE', `/peers/watched?token=${signalingToken}`)).status, 403);
      assert.equal((await call(base, 'GET', `/peers/watched/status?token=${restToken}`)).body.disconnected, false, 'the peer is still there');
    } finally {
      await gateway.stop();
      relay.close();
      external.kill();
    }
  });

  it('answers POST /peers with a clear 503 when the signaling server cannot be reached', async () => {
    const { gateway, base } = await startTestGateway({ signaling: undefined, signalingUrl: 'ws://127.0.0.1:1/' });
    try {
      const withId = await createPeer(base, { peer_id: 'lonely' });
      assert.equal(withId.status, 503);
      assert.equal(withId.body.command_type, 'PEERS_CREATE');
      assert.match(withId.body.params.errors[0].message, /cannot reach the signaling server at ws:\/\/127\.0\.0\.1:1\//);
      assert.equal((await createPeer(base)).status, 503);
      assert.equal(gateway.peers.size, 0, 'nothing left behind');
    } finally {
      await gateway.stop();
    }
  });

  it('reconnects after the signaling server restarts, with the same id and token and no second OPEN', async () => {
    const first = await startSignaling();
    const port = first.server.address.port;
    const { gateway, base } = await startTestGateway({ signaling: undefined, signalingUrl: first.url, eventTimeoutMs: 1000 });
    try {
      const { body } = await createPeer(base, { peer_id: 'survivor' });
      const token = body.params.token;
      assert.equal((await nextEvent(base, 'survivor', token)).body.event, 'OPEN');
      await first.server.stop();
      assert.deepEqual((await nextEvent(base, 'survivor', token)).body.error_message, 'SERVER_DISCONNECTED');
      assert.equal((await call(base, 'GET', `/peers/survivor/status?token=${token}`)).body.disconnected, true);
      const second = await startSignaling({ port });
      try {
        await waitFor(async () => !(await call(base, 'GET', `/peers/survivor/status?token=${token}`)).body.disconnected, 10000, 'reconnected');
        assert.equal(second.server.stats().clients, 1);
        assert.equal((await nextEvent(base, 'survivor', token)).status, 408, 'no second OPEN');
      } finally {
        await second.server.stop();
      }
    } finally {
      await gateway.stop();
    }
  });
});

describe('peer authentication through REST', () => {
  const secret = 'gateway-secret';
  const now = () => Math.floor(Date.now() / 1000);
  const credentialFor = (id: string, timestamp: number, ttl: number) => ({ timestamp, ttl, authToken: computeAuthToken(secret, timestamp, ttl, id) });
  let gateway: Gateway;
  let base: string;
  before(async () => {
    ({ gateway, base } = await startTestGateway({
      signaling: { host: '127.0.0.1', port: 0, path: '/', key: 'peerjs', secret, allowDiscovery: false },
      eventTimeoutMs: 1000,
    }));
  });
  after(() => gateway.stop());

  it('opens with a valid credential and answers 403 for a wrong, expired or missing one, keeping no peer', async () => {
    const ok = await createPeer(base, { peer_id: 'authed', credential: credentialFor('authed', now(), 3600) });
    assert.equal(ok.status, 201);
    assert.equal((await nextEvent(base, 'authed', ok.body.params.token)).body.event, 'OPEN');
    const refused = [
      await createPeer(base, { peer_id: 'forger', credential: { ...credentialFor('forger', now(), 3600), authToken: Buffer.alloc(32).toString('base64') } }),
      await createPeer(base, { peer_id: 'late', credential: credentialFor('late', now() - 7200, 3600) }),
      await createPeer(base, { peer_id: 'anonymous' }),
    ];
    for (const res of refused) {
      assert.equal(res.status, 403);
      assert.equal(res.body.command_type, 'PEERS_CREATE');
      assert.equal(res.body.params.errors[0].field, 'credential');
    }
    for (const id of ['forger', 'late', 'anonymous']) assert.equal((await call(base, 'GET', `/peers/${id}/status?token=x`)).status, 404);
  });

  it('refuses a credential timestamp in milliseconds with 400, in POST and PUT', async () => {
    const ms = Date.now();
    const res = await createPeer(base, { peer_id: 'millis', credential: credentialFor('millis', ms, 3600) });
    assert.equal(res.status, 400);
    assert.equal(res.body.params.errors[0].field, 'credential.timestamp');
    assert.match(res.body.params.errors[0].message, /seconds/);
    const ok = await createPeer(base, { peer_id: 'renewer', credential: credentialFor('renewer', now(), 3600) });
    const put = await call(base, 'PUT', `/peers/renewer/credential?token=${ok.body.params.token}`, credentialFor('renewer', ms, 3600));
    assert.equal(put.status, 400);
    assert.equal(put.body.params.errors[0].field, 'timestamp');
  });

  it('validates the credential body: ttl 600..90000, base64 authToken', async () => {
    for (const credential of [{ timestamp: now(), ttl: 599, authToken: 'AAAA' }, { timestamp: now(), ttl: 90001, authToken: 'AAAA' }, { timestamp: now(), ttl: 600, authToken: 'not base64!' }, { timestamp: 'x', ttl: 600, authToken: 'AAAA' }]) {
      const res = await createPeer(base, { credential });
      assert.equal(res.status, 400);
      assert.match(res.body.params.errors[0].field, /^credential\./);
    }
  });

  it('warns with EXPIRESIN before expiry, and PUT /peers/{id}/credential renews without reconnecting', async () => {
    // 30 s left: inside the 60 s warning window, so EXPIRESIN comes at once.
    const stamp = now() - 600 + 30;
    const res = await createPeer(base, { peer_id: 'expiring', credential: credentialFor('expiring', stamp, 600) });
    const token = res.body.params.token;
    assert.equal((await nextEvent(base, 'expiring', token)).body.event, 'OPEN');
    const warning = (await nextEvent(base, 'expiring', token)).body;
    assert.equal(warning.event, 'EXPIRESIN');
    assert.ok(warning.remainingSec > 20 && warning.remainingSec <= 30, `remainingSec ${warning.remainingSec}`);
    const fresh = credentialFor('expiring', now(), 3600);
    const put = await call(base, 'PUT', `/peers/expiring/credential?token=${token}`, fresh);
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { command_type: 'PEERS_CREDENTIAL_UPDATE', params: { credential: fresh } });
    assert.equal((await nextEvent(base, 'expiring', token)).status, 408, 'no error, no new warning: renewed');
    assert.equal((await call(base, 'GET', `/peers/expiring/status?token=${token}`)).body.disconnected, false);
    const badPut = await call(base, 'PUT', `/peers/expiring/credential?token=${token}`, { timestamp: now() });
    assert.equal(badPut.status, 400);
  });

  it('accepts and ignores PUT /peers/{id}/credential when the peer has no credential', async () => {
    const { gateway: plain, base: plainBase } = await startTestGateway();
    try {
      const res = await createPeer(plainBase, { peer_id: 'no-auth' });
      const put = await call(plainBase, 'PUT', `/peers/no-auth/credential?token=${res.body.params.token}`, credentialFor('no-auth', now(), 3600));
      assert.equal(put.status, 200);
    } finally {
      await plain.stop();
    }
  });
});
