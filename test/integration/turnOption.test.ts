import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { call, startTestGateway, type LogCapture } from '../helpers/testGateway.js';

// Its own file, so its own process: the notice is once per process.
describe('POST /peers with turn when ice_servers names no TURN server', () => {
  let gateway: Gateway;
  let base: string;
  let logs: LogCapture;
  before(async () => {
    ({ gateway, base, logs } = await startTestGateway({ logLevel: 'info' }));
  });
  after(() => gateway.stop());

  const notices = () => logs.records.filter((r) => typeof r['msg'] === 'string' && (r['msg'] as string).includes('no TURN server is configured'));
  const create = async (body: Record<string, unknown>) => {
    const res = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'example.com', ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };

  it('accepts turn: true (the SkyWay default, also when left out) and says once that no TURN server is configured', async () => {
    await create({ peer_id: 'no-turn', turn: false });
    assert.equal(notices().length, 0, 'turn: false asks for nothing');
    await create({ peer_id: 'default-turn' });
    assert.equal(notices().length, 1, 'turn left out means true');
    assert.equal(notices()[0]!['level'], 'warn');
    await create({ peer_id: 'with-turn', turn: true });
    await create({ peer_id: 'with-turn-2', turn: true });
    assert.equal(notices().length, 1, 'once per process, not once per peer');
  });

  it('refuses a turn that is not a boolean', async () => {
    const res = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'example.com', peer_id: 'bad-turn', turn: 'yes' });
    assert.equal(res.status, 400);
    assert.equal(res.body.params.errors[0].field, 'turn');
  });
});
