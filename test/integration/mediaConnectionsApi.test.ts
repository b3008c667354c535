import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer, type RestPeer } from '../helpers/dataPath.js';
import { assertSkywayError } from '../helpers/skywayError.js';
import type { ApiResponse } from '../helpers/testGateway.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

function expectError(res: ApiResponse, status: number, commandType: string, field: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assertSkywayError(res.body, commandType, field);
}

describe('MediaConnection endpoints: validation, unknown ids, ports in use', () => {
  let gateway: Gateway;
  let base: string;
  let peer: RestPeer;
  let video: { media_id: string; port: number };
  let audio: { media_id: string; port: number };
  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
    peer = await createPeer(base, 'mediaapi');
    video = (await call(base, 'POST', '/media', { is_video: true })).body;
    audio = (await call(base, 'POST', '/media', { is_video: false })).body;
  });
  after(() => gateway.stop());

  const callBody = (constraints: Record<string, unknown>) => ({ peer_id: peer.id, token: peer.token, target_id: 'nobody', constraints });

  const invalid: [string, () => Record<string, unknown>, number, string][] = [
    ['no constraints', () => ({ peer_id: 'mediaapi', token: 'x', target_id: 'nobody' }), 400, 'constraints'],
    ['video true without a media_id', () => callBody({ video: true, audio: false }), 400, 'constraints.video_params.media_id'],
    ['an unknown codec', () => callBody({ video: true, audio: false, video_params: { codec: 'MPEG2', media_id: video.media_id } }), 400, 'constraints.video_params.codec'],
    ['an unknown media_id', () => callBody({ video: true, audio: false, video_params: { media_id: 'vi-nope' } }), 404, 'constraints.video_params.media_id'],
    ['an audio port as the video media_id', () => callBody({ video: true, audio: false, video_params: { media_id: audio.media_id } }), 404, 'constraints.video_params.media_id'],
    ['an unknown rtcp_id', () => callBody({ video: true, audio: false, video_params: { media_id: video.media_id, rtcp_id: 'rc-nope' } }), 404, 'constraints.video_params.rtcp_id'],
    ['a call that neither sends nor receives', () => callBody({ video: false, audio: false }), 400, 'constraints'],
  ];
  for (const [what, body, status, field] of invalid) {
    it(`POST /media/connections with ${what} answers ${status} naming ${field}`, async () => {
      const res = await call(base, 'POST', '/media/connections', body());
      expectError(res, status, 'MEDIA_CONNECTION_CREATE', field);
    });
  }

  it('answers 404 for an unknown media_connection_id on every endpoint', async () => {
    const id = 'mc-00000000-0000-4000-8000-000000000000';
    expectError(await call(base, 'GET', `/media/connections/${id}/status`), 404, 'MEDIA_CONNECTION_STATUS', 'media_connection_id');
    expectError(await call(base, 'GET', `/media/connections/${id}/events`), 404, 'MEDIA_CONNECTION_EVENTS', 'media_connection_id');
    expectError(await call(base, 'DELETE', `/media/connections/${id}`), 404, 'MEDIA_CONNECTION_DELETE', 'media_connection_id');
    const answer = { constraints: { video: false, audio: false } };
    expectError(await call(base, 'POST', `/media/connections/${id}/answer`, answer), 404, 'MEDIA_CONNECTION_ANSWER', 'media_connection_id');
    expectError(await call(base, 'POST', `/media/connections/${id}/pli`, { ip_v4: '127.0.0.1', port: 1 }), 404, 'MEDIA_CONNECTION_PLI', 'media_connection_id');
  });

  it('keeps the ports of a call in use until it ends, then frees them; a PLI before the transport is up is a clear 400', async () => {
    const own = (await call(base, 'POST', '/media', { is_video: true })).body;
    const res = await call(base, 'POST', '/media/connections', callBody({ video: true, audio: false, video_params: { codec: 'VP8', media_id: own.media_id } }));
    assert.equal(res.status, 202);
    const id = res.body.params.media_connection_id;
    expectError(await call(base, 'DELETE', `/media/${own.media_id}`), 403, 'MEDIA_DELETE', 'media_id');
    expectError(await call(base, 'POST', `/media/connections/${id}/pli`, { ip_v4: '127.0.0.1', port: 1 }), 400, 'MEDIA_CONNECTION_PLI', 'media_connection_id');
    const status = (await call(base, 'GET', `/media/connections/${id}/status`)).body;
    assert.deepEqual({ open: status.open, remote_id: status.remote_id, state: status.state }, { open: false, remote_id: 'nobody', state: 'connecting' });
    assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
    assert.equal((await call(base, 'GET', `/media/${own.media_id}/status`)).status, 404, 'the port only the call used is closed');
    assert.equal((await call(base, 'GET', `/media/${video.media_id}/status`)).status, 200, 'other ports stay');
  });

  it('closes a call whose target never comes, with an ERROR naming it', async () => {
    const res = await call(base, 'POST', '/media/connections', callBody({ video: false, videoReceiveEnabled: true, audio: false }));
    const id = res.body.params.media_connection_id;
    const events: string[] = [];
    for (let i = 0; i < 4 && !events.includes('CLOSE'); i++) {
      const e = (await call(base, 'GET', `/media/connections/${id}/events`)).body;
      events.push(e.event === 'ERROR' ? `ERROR ${e.error_message}` : e.event);
    }
    assert.deepEqual(events, ['ERROR peer-unavailable: nobody is not connected to the signaling server', 'CLOSE']);
  });

  it('refuses an answer under which nothing would flow (400, still answerable); lists our SSRC from the call on', async () => {
    const callee = await createPeer(base, 'mediaapi-callee');
    const own = (await call(base, 'POST', '/media', { is_video: true })).body;
    const res = await call(base, 'POST', '/media/connections', {
      ...callBody({ video: true, videoReceiveEnabled: false, audio: false, video_params: { codec: 'VP8', media_id: own.media_id } }),
      target_id: callee.id,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const callerId = res.body.params.media_connection_id;
    const ssrc = (await call(base, 'GET', `/media/connections/${callerId}/status`)).body.ssrc;
    assert.equal(ssrc.length, 1);
    assert.equal(ssrc[0].media_id, own.media_id);
    assert.ok(ssrc[0].ssrc > 0);

    let incoming: any;
    for (let i = 0; i < 4 && incoming?.event !== 'CALL'; i++) incoming = (await call(base, 'GET', `/peers/${callee.id}/events?token=${callee.token}`)).body;
    const calleeId = incoming.call_params.media_connection_id;
    // The caller only sends video, so a callee that does not receive it has nothing to do.
    const nothing = await call(base, 'POST', `/media/connections/${calleeId}/answer`, { constraints: { video: false, videoReceiveEnabled: false, audio: false } });
    expectError(nothing, 400, 'MEDIA_CONNECTION_ANSWER', 'constraints');
    assert.equal((await call(base, 'GET', `/media/connections/${calleeId}/status`)).body.state, 'offered');
    // A media_id on a stream that is not sent lists no SSRC: none goes on the wire.
    const unused = (await call(base, 'POST', '/media', { is_video: true })).body;
    const receiving = await call(base, 'POST', `/media/connections/${calleeId}/answer`, {
      constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', media_id: unused.media_id } },
    });
    assert.equal(receiving.status, 202, JSON.stringify(receiving.body));
    assert.deepEqual((await call(base, 'GET', `/media/connections/${calleeId}/status`)).body.ssrc, []);
    for (const id of [callerId, calleeId]) assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
  });
});
