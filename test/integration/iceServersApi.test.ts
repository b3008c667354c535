import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { parseIceServerUrl, type IceServerUrl } from '../../src/session/ice/IceServerUrl.js';
import { createPeer, type RestPeer } from '../helpers/dataPath.js';
import { assertSkywayError } from '../helpers/skywayError.js';
import { call, startTestGateway, type LogCapture } from '../helpers/testGateway.js';

const url = (text: string): IceServerUrl => parseIceServerUrl(text) as IceServerUrl;
const SECRET = 'integration-secret-0f3b';

/** The password coturn expects for a REST API username (computed here, not by the gateway's minter). */
const restPassword = (username: string): string => createHmac('sha1', SECRET).update(username).digest('base64');

describe('GET /peers/{id}/ice_servers with a TURN secret', () => {
  let gateway: Gateway;
  let base: string;
  let logs: LogCapture;
  let withTurn: RestPeer;
  let noTurn: RestPeer;
  before(async () => {
    ({ gateway, base, logs } = await startTestGateway({
      logLevel: 'info',
      // A host name: resolved at start for the gateway's own connections, given to browsers as written.
      iceServers: [url('stun:localhost:3478'), url('turn:localhost:3478'), url('turn:127.0.0.1:3478?transport=tcp')],
      turnAuth: { kind: 'secret', secret: SECRET, lifetimeSeconds: 600 },
      demoPage: true,
    }));
    withTurn = await createPeer(base, 'ice-with-turn');
    const res = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: 'ice-no-turn', turn: false });
    assert.equal(res.status, 201);
    noTurn = { base, id: 'ice-no-turn', token: res.body.params.token };
  });
  after(() => gateway.stop());

  it('answers RTCIceServer entries: the URLs as configured, TURN credentials minted for the peer, the policy', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await call(base, 'GET', `/peers/${withTurn.id}/ice_servers?token=${withTurn.token}`);
    const after = Math.floor(Date.now() / 1000);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get('cache-control'), 'no-store', 'credentials are not cached');
    assert.deepEqual(Object.keys(res.body).sort(), ['ice_servers', 'ice_transport_policy']);
    assert.equal(res.body.ice_transport_policy, 'all');
    const [stun, turn] = res.body.ice_servers;
    assert.deepEqual(stun, { urls: ['stun:localhost:3478'] });
    assert.deepEqual(turn.urls, ['turn:localhost:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp']);
    const [expiry, name] = turn.username.split(':');
    assert.equal(name, withTurn.id);
    assert.ok(Number(expiry) >= before + 600 && Number(expiry) <= after + 600, `expiry ${expiry} is now + turn_credential_lifetime`);
    assert.equal(turn.credential, restPassword(turn.username));
    assert.ok(!JSON.stringify(res.body).includes(SECRET), 'the secret never leaves the gateway');
  });

  it('gives a turn: false peer no TURN entry', async () => {
    const res = await call(base, 'GET', `/peers/${noTurn.id}/ice_servers?token=${noTurn.token}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ice_servers: [{ urls: ['stun:localhost:3478'] }], ice_transport_policy: 'all' });
  });

  it('checks the peer and its token like the other peer routes: 404, 403, 400, 405 in the SkyWay shape', async () => {
    const unknown = await call(base, 'GET', `/peers/nobody/ice_servers?token=${withTurn.token}`);
    assert.equal(unknown.status, 404);
    assertSkywayError(unknown.body, 'PEERS_ICE_SERVERS', 'peer_id');
    const wrong = await call(base, 'GET', `/peers/${withTurn.id}/ice_servers?token=${noTurn.token}`);
    assert.equal(wrong.status, 403);
    assertSkywayError(wrong.body, 'PEERS_ICE_SERVERS', 'token');
    assert.ok(!JSON.stringify(wrong.body).includes('credential'));
    const missing = await call(base, 'GET', `/peers/${withTurn.id}/ice_servers`);
    assert.equal(missing.status, 400);
    assertSkywayError(missing.body, 'PEERS_ICE_SERVERS', 'token');
    const post = await call(base, 'POST', `/peers/${withTurn.id}/ice_servers?token=${withTurn.token}`, {});
    assert.equal(post.status, 405);
    assertSkywayError(post.body, 'PEERS_ICE_SERVERS');
  });

  it('gives the demo page STUN and TURN with credentials minted for "demo", within the hour, never the secret', async () => {
    const res = await call(base, 'GET', '/demo/config.json');
    assert.equal(res.status, 200);
    const [stun, turn] = res.body.iceServers;
    assert.deepEqual(stun, { urls: ['stun:localhost:3478'] });
    assert.match(turn.username, /^\d+:demo$/);
    assert.ok(Number(turn.username.split(':')[0]) <= Math.floor(Date.now() / 1000) + 600);
    assert.equal(turn.credential, restPassword(turn.username));
    assert.ok(!JSON.stringify(res.body).includes(SECRET));
  });

  it('logs no "no TURN server" notice for turn: true peers, a TURN server being configured', () => {
    assert.equal(logs.records.filter((r) => String(r['msg']).includes('no TURN server is configured')).length, 0);
    const started = logs.records.find((r) => r['msg'] === 'ICE servers');
    assert.deepEqual(started?.['iceServers'], ['stun:localhost:3478', 'turn:localhost:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp']);
    assert.equal(started?.['turnCredentials'], 'minted from turn_secret');
    assert.ok(!logs.lines.some((l) => l.includes(SECRET)), 'the secret is not logged');
  });
});

describe('GET /peers/{id}/ice_servers with static TURN credentials and the relay policy', () => {
  let gateway: Gateway;
  let base: string;
  before(async () => {
    ({ gateway, base } = await startTestGateway({
      logLevel: 'warn',
      iceServers: [url('turn:[::1]:3478')],
      turnAuth: { kind: 'static', username: 'alice', credential: 'static-pw' },
      iceTransportPolicy: 'relay',
      demoPage: true,
    }));
  });
  after(() => gateway.stop());

  it('hands a peer token holder the static pair, and the demo page no TURN at all', async () => {
    const peer = await createPeer(base, 'static-ice');
    const res = await call(base, 'GET', `/peers/${peer.id}/ice_servers?token=${peer.token}`);
    assert.deepEqual(res.body, {
      ice_servers: [{ urls: ['turn:[::1]:3478?transport=udp'], username: 'alice', credential: 'static-pw' }],
      ice_transport_policy: 'relay',
    });
    const demo = await call(base, 'GET', '/demo/config.json');
    assert.deepEqual(demo.body.iceServers, []);
  });
});
