import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { assertSkywayError } from '../helpers/skywayError.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

/**
 * The DataConnection endpoints' answers to bad requests. Every request here is refused before a
 * PeerConnection would be made; the data path itself is tested against libwebrtc in test/interop.
 */
describe('DataConnection REST validation', () => {
  let gateway: Gateway;
  let base: string;
  let peer: { id: string; token: string };
  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
    const res = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: 'validator' });
    peer = { id: 'validator', token: res.body.params.token };
  });
  after(() => gateway.stop());

  const connect = (body: unknown) => call(base, 'POST', '/data/connections', body);
  const valid = () => ({ peer_id: peer.id, token: peer.token, target_id: 'someone' });

  it('lists every missing field of POST /data/connections in one 400', async () => {
    const res = await connect({});
    assert.equal(res.status, 400);
    assertSkywayError(res.body, 'DATA_CONNECTION_CREATE');
    assert.deepEqual(res.body.params.errors.map((e: any) => e.field).sort(), ['peer_id', 'target_id', 'token']);
    assert.match(res.body.params.errors[0].message, /field is not specified/);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['an unknown serialization', { options: { serialization: 'MSGPACK' } }, 'options.serialization'],
    ['maxRetransmits together with maxPacketLifeTime', { options: { dcInit: { maxRetransmits: 1, maxPacketLifeTime: 100 } } }, 'options.dcInit'],
    ['a negotiated channel without an id', { options: { dcInit: { negotiated: true } } }, 'options.dcInit.id'],
    ['a channel id out of range', { options: { dcInit: { negotiated: true, id: 70000 } } }, 'options.dcInit.id'],
    ['a redirect without an address', { redirect_params: { port: 5000 } }, 'redirect_params.ip_v4'],
    ['a redirect to a port out of range', { redirect_params: { ip_v4: '127.0.0.1', port: 70000 } }, 'redirect_params.port'],
    ['a redirect to something that is not an address', { redirect_params: { ip_v4: 'localhost', port: 5000 } }, 'redirect_params.ip_v4'],
    ['a target id the id rule refuses', { target_id: 'a/b' }, 'target_id'],
    ['the peer itself as target', { target_id: 'validator' }, 'target_id'],
  ];
  for (const [what, change, field] of invalid) {
    it(`refuses ${what} with 400 naming ${field}`, async () => {
      const res = await connect({ ...valid(), ...change });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assertSkywayError(res.body, 'DATA_CONNECTION_CREATE', field);
    });
  }

  it('answers 404 for an unknown peer or data_id, 403 for a wrong token', async () => {
    assert.equal((await connect({ ...valid(), peer_id: 'nobody' })).status, 404);
    assert.equal((await connect({ ...valid(), token: 'pt-wrong' })).status, 403);
    const unknownPort = await connect({ ...valid(), params: { data_id: 'da-00000000-0000-4000-8000-000000000000' } });
    assert.equal(unknownPort.status, 404);
    assertSkywayError(unknownPort.body, 'DATA_CONNECTION_CREATE', 'params.data_id');
    // A media port is not a data port.
    const media = (await call(base, 'POST', '/media', { is_video: true })).body;
    assert.equal((await connect({ ...valid(), params: { data_id: media.media_id } })).status, 404);
    assert.equal(gateway.dataConnections.size, 0, 'nothing was created');
  });

  it('answers 404 for unknown data connections on every endpoint, 405 for wrong methods', async () => {
    const id = 'dc-00000000-0000-4000-8000-000000000000';
    for (const [method, path, commandType] of [
      ['PUT', `/data/connections/${id}`, 'DATA_CONNECTION_PUT'],
      ['DELETE', `/data/connections/${id}`, 'DATA_CONNECTION_DELETE'],
      ['GET', `/data/connections/${id}/events`, 'DATA_CONNECTION_EVENTS'],
      ['GET', `/data/connections/${id}/status`, 'DATA_CONNECTION_STATUS'],
    ] as const) {
      const res = await call(base, method, path, method === 'PUT' ? {} : undefined);
      assert.equal(res.status, 404, `${method} ${path}`);
      assertSkywayError(res.body, commandType, 'data_connection_id');
    }
    const wrong = await call(base, 'GET', '/data/connections');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
    assert.equal((await call(base, 'POST', `/data/connections/${id}`)).status, 405);
  });
});
