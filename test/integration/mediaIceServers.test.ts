import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { parseIceServerUrl, type IceServerUrl } from '../../src/session/ice/IceServerUrl.js';
import { createPeer } from '../helpers/dataPath.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

describe('MediaConnections and ice_servers', () => {
  let gateway: Gateway;
  let base: string;
  let stun: Socket;
  const requests: Buffer[] = [];
  before(async () => {
    // Stands where a STUN server would: it only records what the native transport sends it.
    stun = createSocket('udp4');
    stun.on('message', (m) => requests.push(m));
    await new Promise<void>((resolve) => stun.bind(0, '127.0.0.1', resolve));
    ({ gateway, base } = await startTestGateway({
      logLevel: 'warn',
      // By name: the gateway resolves it at start and hands the native transport the address.
      iceServers: [parseIceServerUrl(`stun:localhost:${stun.address().port}`) as IceServerUrl],
    }));
  });
  after(async () => {
    await gateway.stop();
    stun.close();
  });

  it('a call asks the stun: server of ice_servers for its server-reflexive address (RFC 8489 Binding request)', async () => {
    const peer = await createPeer(base, 'media-stun');
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const res = await call(base, 'POST', '/media/connections', {
      peer_id: peer.id,
      token: peer.token,
      target_id: 'nobody',
      constraints: { video: true, audio: false, video_params: { codec: 'VP8', media_id: video.media_id } },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    for (let i = 0; i < 40 && requests.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(requests.length > 0, 'no Binding request reached the STUN server within 2 s');
    const request = requests[0]!;
    assert.equal(request.readUInt16BE(0), 0x0001, 'a Binding request');
    assert.equal(request.readUInt32BE(4), 0x2112a442, 'with the magic cookie');
    const status = (await call(base, 'GET', `/media/connections/${res.body.params.media_connection_id}/status`)).body;
    assert.equal(status.selected_candidate_pair, null, 'no pair before ICE has one');
  });
});
