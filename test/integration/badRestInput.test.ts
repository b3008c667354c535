import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer, type RestPeer } from '../helpers/dataPath.js';
import { rawRequest, type RawResponse } from '../helpers/rawHttp.js';
import { RawPeer } from '../helpers/signaling.js';
import { call, startTestGateway, type LogCapture } from '../helpers/testGateway.js';

/** Every endpoint of the API, with `{id}` and `{token}` to fill in. */
const ENDPOINTS: [string, string][] = [
  ['POST', '/peers'],
  ['DELETE', '/peers/{id}?token={token}'],
  ['GET', '/peers/{id}/events?token={token}'],
  ['GET', '/peers/{id}/status?token={token}'],
  ['PUT', '/peers/{id}/credential?token={token}'],
  ['GET', '/peers/{id}/ice_servers?token={token}'],
  ['POST', '/data'],
  ['DELETE', '/data/{id}'],
  ['GET', '/data/{id}/status'],
  ['POST', '/data/connections'],
  ['PUT', '/data/connections/{id}'],
  ['DELETE', '/data/connections/{id}'],
  ['GET', '/data/connections/{id}/events'],
  ['GET', '/data/connections/{id}/status'],
  ['POST', '/media'],
  ['DELETE', '/media/{id}'],
  ['GET', '/media/{id}/status'],
  ['POST', '/media/rtcp'],
  ['DELETE', '/media/rtcp/{id}'],
  ['GET', '/media/rtcp/{id}/status'],
  ['POST', '/media/connections'],
  ['DELETE', '/media/connections/{id}'],
  ['POST', '/media/connections/{id}/answer'],
  ['POST', '/media/connections/{id}/pli'],
  ['GET', '/media/connections/{id}/events'],
  ['GET', '/media/connections/{id}/status'],
  ['GET', '/media/connections/{id}/stats'],
];

const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Bodies no endpoint accepts: not JSON, wrong shapes and types, huge, deep, badly compressed. */
const BAD_BODIES: [string, string | Buffer, Record<string, string>][] = [
  ['truncated JSON', '{"is_video":', {}],
  ['a JSON array', '[1,2,3]', {}],
  ['JSON null', 'null', {}],
  ['a JSON string', '"text"', {}],
  ['a number too large', '{"is_video":1e999,"port":1e999,"key":1e999}', {}],
  ['wrong types everywhere', '{"is_video":"yes","key":7,"domain":[],"peer_id":{},"token":1,"constraints":"x","ip_v4":1,"port":"x","timestamp":"x"}', {}],
  ['strings of 60 KiB', JSON.stringify({ key: 'k'.repeat(60_000), peer_id: 'p'.repeat(1000) }), {}],
  ['a body over 64 KiB', JSON.stringify({ key: 'k'.repeat(70_000) }), {}],
  ['JSON nested 10,000 deep', nested(10_000), {}],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), {}],
  ['gzip that is not gzip', 'not compressed at all', { 'content-encoding': 'gzip' }],
  ['deflate that is not deflate', 'not compressed at all', { 'content-encoding': 'deflate' }],
  ['br that is not br', 'not compressed at all', { 'content-encoding': 'br' }],
  ['an unknown encoding', '{}', { 'content-encoding': 'x-made-up' }],
  ['gzip of something that is not JSON', gzipSync('not json'), { 'content-encoding': 'gzip' }],
  ['gzip that inflates past 64 KiB', gzipSync(JSON.stringify({ key: 'k'.repeat(1_000_000) })), { 'content-encoding': 'gzip' }],
  ['an unsupported charset', '{}', { 'content-type': 'application/json; charset=klingon' }],
];

/** Ids and tokens no resource has, malformed percent-encoding among them. */
const BAD_IDS = ['%ff', '%', '%E0%A4%A', 'x'.repeat(8000), '..', '%00', 'vi-%2F..%2F', '%F0%9F%92%A9', 'pt-00000000-0000-4000-8000-000000000000'];
const BAD_TOKENS = ['', 'wrong', '%ff', 'a&token=b', 'x'.repeat(8000)];

describe('the REST API under bad input: every mistake is a 4xx in the SkyWay shape, never a 5xx', () => {
  let gateway: Gateway;
  let base: string;
  let logs: LogCapture;
  let peer: RestPeer;
  const answers: { what: string; res: RawResponse }[] = [];

  const send = async (what: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> => {
    const res = await rawRequest(base, method, path, { 'content-type': 'application/json', ...headers }, body);
    answers.push({ what: `${what}: ${method} ${path.slice(0, 80)}`, res });
    return res;
  };

  before(async () => {
    ({ gateway, base, logs } = await startTestGateway({ logLevel: 'debug', eventTimeoutMs: 1000 }));
    peer = await createPeer(base, 'corpus');
  });
  after(() => gateway.stop());

  it('answers bad bodies on every endpoint with 4xx', async () => {
    for (const [method, template] of ENDPOINTS) {
      const path = template.replace('{id}', peer.id).replace('{token}', peer.token);
      for (const [what, body, headers] of BAD_BODIES) {
        if (method === 'GET' || method === 'DELETE') continue;
        await send(what, method, path, body, headers);
      }
    }
  });

  it('answers bad ids and tokens on every endpoint with 4xx', async () => {
    for (const [method, template] of ENDPOINTS) {
      if (!template.includes('{id}')) continue;
      for (const id of BAD_IDS) await send(`id ${id.slice(0, 20)}`, method, template.replace('{id}', id).replace('{token}', peer.token), '{}');
      if (!template.includes('{token}')) continue;
      for (const token of BAD_TOKENS) await send(`token ${token.slice(0, 20)}`, method, template.replace('{id}', peer.id).replace('{token}', token), '{}');
    }
  });

  it('answers metadata nested too deep or too large with 400 naming it, for data and media connections', async () => {
    // As text: JSON.stringify itself cannot write what is this deep.
    const deep = nested(5000);
    const head = `"peer_id":"${peer.id}","token":"${peer.token}","target_id":"someone"`;
    const cases = [
      ['/data/connections', `{${head},"options":{"metadata":${deep}}}`, 'options.metadata'],
      ['/data/connections', `{${head},"options":{"metadata":"${'m'.repeat(20_000)}"}}`, 'options.metadata'],
      ['/media/connections', `{${head},"constraints":{"video":false,"audio":false,"videoReceiveEnabled":true,"metadata":${deep}}}`, 'constraints.metadata'],
    ] as const;
    for (const [path, body, field] of cases) {
      const res = await send('deep metadata', 'POST', path, body);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.params.errors[0].field, field);
    }
  });

  it('never answered 5xx, always answered in the SkyWay shape, and logged no client mistake as an error', () => {
    assert.ok(answers.length > 350, `${answers.length} requests`);
    for (const { what, res } of answers) {
      assert.ok(res.status < 500, `${what} answered ${res.status} ${res.text.slice(0, 200)}`);
      // POST /data and /media/rtcp take any object as their empty body, so some bodies succeed there.
      if (res.status < 400) {
        assert.match(what, /POST \/(data|media\/rtcp)$/, `${what} answered ${res.status}`);
        continue;
      }
      assert.equal(typeof res.body?.command_type, 'string', `${what}: ${res.text.slice(0, 200)}`);
      assert.ok(Array.isArray(res.body.params?.errors) && res.body.params.errors.length > 0, what);
    }
    const errors = logs.records.filter((r) => r['level'] === 'error');
    assert.deepEqual(errors, []);
  });

  it('refuses a remote OFFER whose metadata is too deep, counts it on the peer, and statuses keep answering', async () => {
    const remote = await RawPeer.connect(`ws://127.0.0.1:${gateway.signaling!.address.port}/`, { id: 'deepremote', token: 't1', key: 'peerjs' });
    await remote.waitFor((m) => m.type === 'OPEN');
    // Written as text: the deep one cannot go through JSON.stringify.
    const offer = (connectionId: string, metadata: unknown) =>
      `{"type":"OFFER","dst":"${peer.id}","payload":{"sdp":{"type":"offer","sdp":"v=0\\r\\n"},"type":"media","connectionId":"${connectionId}","metadata":${metadata === 'DEEP' ? nested(10_000) : JSON.stringify(metadata)}}}`;
    remote.send(offer('mc_deep', 'DEEP'));
    remote.send(offer('mc_fine', { caller: 'deepremote', nested: JSON.parse(nested(10)) }));
    const call1 = await call(base, 'GET', `/peers/${peer.id}/events?token=${peer.token}`);
    assert.equal(call1.body.event, 'CALL', 'the acceptable offer is a call');
    const status = await call(base, 'GET', `/media/connections/${call1.body.call_params.media_connection_id}/status`);
    assert.equal(status.status, 200);
    assert.equal(status.body.metadata.caller, 'deepremote');
    const peerStatus = await call(base, 'GET', `/peers/${peer.id}/status?token=${peer.token}`);
    assert.deepEqual(peerStatus.body.refused_offers, { metadata: 1 });
    assert.equal((await call(base, 'GET', `/peers/${peer.id}/events?token=${peer.token}`)).status, 408, 'no second CALL');
    remote.close();
  });
});
