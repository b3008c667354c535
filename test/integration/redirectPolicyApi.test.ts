import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer, type RestPeer } from '../helpers/dataPath.js';
import { assertSkywayError } from '../helpers/skywayError.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

const REFUSED = ['0.0.0.0', '255.255.255.255', '224.0.0.1', '239.255.255.250', '169.254.169.254'];
const REFUSED_V6 = ['::', 'ff02::1', 'fe80::1'];

describe('redirect_params through the REST API', () => {
  let gateway: Gateway;
  let base: string;
  let peer: RestPeer;
  let video: { media_id: string };
  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
    peer = await createPeer(base, 'redirector');
    video = (await call(base, 'POST', '/media', { is_video: true })).body;
  });
  after(() => gateway.stop());

  const dataConnect = (redirect: Record<string, unknown>) =>
    call(base, 'POST', '/data/connections', { peer_id: peer.id, token: peer.token, target_id: 'someone', redirect_params: { ...redirect, port: 7000 } });
  const mediaCall = (redirect: Record<string, unknown>) =>
    call(base, 'POST', '/media/connections', {
      peer_id: peer.id,
      token: peer.token,
      target_id: 'someone',
      constraints: { video: true, audio: false, video_params: { codec: 'VP8', media_id: video.media_id } },
      redirect_params: { video: { ...redirect, port: 7000 } },
    });

  it('refuses unspecified, broadcast, multicast and link-local addresses with 400, creating nothing', async () => {
    const before = gateway.dataConnections.size + gateway.mediaConnections.size;
    for (const ip_v4 of REFUSED) {
      const data = await dataConnect({ ip_v4 });
      assert.equal(data.status, 400, ip_v4);
      assertSkywayError(data.body, 'DATA_CONNECTION_CREATE', 'redirect_params.ip_v4');
      const media = await mediaCall({ ip_v4 });
      assert.equal(media.status, 400, ip_v4);
      assertSkywayError(media.body, 'MEDIA_CONNECTION_CREATE', 'redirect_params.video.ip_v4');
    }
    for (const ip_v6 of REFUSED_V6) {
      const data = await dataConnect({ ip_v6 });
      assert.equal(data.status, 400, ip_v6);
      assertSkywayError(data.body, 'DATA_CONNECTION_CREATE', 'redirect_params.ip_v6');
    }
    assert.equal(gateway.dataConnections.size + gateway.mediaConnections.size, before);
  });

  it('refuses them in PUT /data/connections and keeps the redirect it had', async () => {
    const created = await dataConnect({ ip_v4: '127.0.0.1' });
    assert.equal(created.status, 202);
    const id = created.body.params.data_connection_id as string;
    const put = await call(base, 'PUT', `/data/connections/${id}`, { redirect_params: { ip_v4: '224.0.0.251', port: 5353 } });
    assert.equal(put.status, 400);
    assertSkywayError(put.body, 'DATA_CONNECTION_PUT', 'redirect_params.ip_v4');
    const status = await call(base, 'GET', `/data/connections/${id}/status`);
    assert.deepEqual(status.body.redirect_params, { ip_v4: '127.0.0.1', port: 7000 });
    await call(base, 'DELETE', `/data/connections/${id}`);
  });
});

describe('redirect_params with redirect_allowed_networks', () => {
  let gateway: Gateway;
  let base: string;
  let peer: RestPeer;
  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn', redirectAllowedNetworks: ['127.0.0.0/8', '239.1.0.0/16'] }));
    peer = await createPeer(base, 'confined');
  });
  after(() => gateway.stop());

  it('takes only addresses inside the networks, a multicast group named there included', async () => {
    const connect = (ip_v4: string) =>
      call(base, 'POST', '/data/connections', { peer_id: peer.id, token: peer.token, target_id: 'someone', redirect_params: { ip_v4, port: 7000 } });
    for (const ok of ['127.0.0.1', '127.1.2.3', '239.1.0.7']) {
      const res = await connect(ok);
      assert.equal(res.status, 202, ok);
      await call(base, 'DELETE', `/data/connections/${res.body.params.data_connection_id}`);
    }
    for (const refused of ['10.0.0.1', '192.168.1.20', '239.2.0.1']) {
      const res = await connect(refused);
      assert.equal(res.status, 400, refused);
      assert.match(res.body.params.errors[0].message, /outside redirect_allowed_networks \(127\.0\.0\.0\/8, 239\.1\.0\.0\/16\)/);
    }
  });
});
