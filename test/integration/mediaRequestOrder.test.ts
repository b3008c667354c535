import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import type { NativeUdpPort } from '../../src/session/ports/NativeUdpPort.js';
import { createPeer, type RestPeer } from '../helpers/dataPath.js';
import { assertSkywayError } from '../helpers/skywayError.js';
import { TRANSPORT_STATUS_FIELDS } from '../helpers/mediaStatusFields.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

/** Before DTLS is up, no SRTP profile and (before ICE) no selected pair: those three are absent. */
const UNCONNECTED_FIELDS = TRANSPORT_STATUS_FIELDS.filter((f) => !['srtpProfile', 'selectedLocal', 'selectedRemote'].includes(f));

describe('MediaConnection requests: validate, plan, reserve, open, signal', () => {
  let gateway: Gateway;
  let base: string;
  let caller: RestPeer;
  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
    caller = await createPeer(base, 'order-caller');
  });
  after(() => gateway.stop());

  const openVideoPort = async (): Promise<{ media_id: string; port: number }> => (await call(base, 'POST', '/media', { is_video: true })).body;
  const placeCall = (target: string, constraints: Record<string, unknown>) =>
    call(base, 'POST', '/media/connections', { peer_id: caller.id, token: caller.token, target_id: target, constraints });

  /** The callee's CALL event after `caller` called it with a video port; returns both connection ids. */
  async function callTo(callee: RestPeer): Promise<{ callerId: string; calleeId: string }> {
    const own = await openVideoPort();
    const res = await placeCall(callee.id, { video: true, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', media_id: own.media_id } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    let incoming: any;
    for (let i = 0; i < 4 && incoming?.event !== 'CALL'; i++) incoming = (await call(base, 'GET', `/peers/${callee.id}/events?token=${callee.token}`)).body;
    assert.equal(incoming?.event, 'CALL', JSON.stringify(incoming));
    return { callerId: res.body.params.media_connection_id, calleeId: incoming.call_params.media_connection_id };
  }

  it('a refused call leaves the port it named open and free', async () => {
    const own = await openVideoPort();
    // Neither sent (video false) nor received: nothing to offer, a 400; the port named is untouched.
    const refused = await placeCall('nobody', { video: false, videoReceiveEnabled: false, audio: false, video_params: { media_id: own.media_id } });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assertSkywayError(refused.body, 'MEDIA_CONNECTION_CREATE', 'constraints');
    const port = await call(base, 'GET', `/media/${own.media_id}/status`);
    assert.equal(port.status, 200, 'the port still exists');
    assert.equal((await call(base, 'DELETE', `/media/${own.media_id}`)).status, 204, 'and it is not in use');
  });

  it('an answer whose port cannot be attached is refused before the ANSWER is sent; the call stays answerable', async () => {
    const callee = await createPeer(base, 'order-callee');
    const { callerId, calleeId } = await callTo(callee);
    const dead = await openVideoPort();
    // The socket goes away natively while the REST registry still lists the port (a DELETE racing the answer).
    (gateway.ports.get(dead.media_id, ['video']) as NativeUdpPort).native.close();
    const refused = await call(base, 'POST', `/media/connections/${calleeId}/answer`, {
      constraints: { video: true, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', media_id: dead.media_id } },
    });
    assert.equal(refused.status, 404, JSON.stringify(refused.body));
    assertSkywayError(refused.body, 'MEDIA_CONNECTION_ANSWER', 'video_params.media_id');
    assert.equal((await call(base, 'GET', `/media/connections/${calleeId}/status`)).body.state, 'offered');
    // Had an ANSWER gone out, the caller would have taken it (it is relayed in a few milliseconds).
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual((await call(base, 'GET', `/media/connections/${callerId}/status`)).body.negotiated, [], 'the caller got no answer');

    const good = await openVideoPort();
    const answered = await call(base, 'POST', `/media/connections/${calleeId}/answer`, {
      constraints: { video: true, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', media_id: good.media_id } },
    });
    assert.equal(answered.status, 202, JSON.stringify(answered.body));
    let negotiated: any[] = [];
    for (let i = 0; i < 50 && negotiated.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      negotiated = (await call(base, 'GET', `/media/connections/${callerId}/status`)).body.negotiated;
    }
    assert.deepEqual(negotiated.map((m) => `${m.media}:${m.codec}:${m.send}:${m.receive}`), ['video:VP8:true:true'], 'the caller took the second answer');
    for (const id of [callerId, calleeId]) assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
  });

  it('lists exactly the transport fields of the REST contract in a media connection status', async () => {
    const callee = await createPeer(base, 'order-fields');
    const { callerId, calleeId } = await callTo(callee);
    const status = (await call(base, 'GET', `/media/connections/${callerId}/status`)).body;
    assert.deepEqual(Object.keys(status), ['media_connection_id', 'open', 'metadata', 'remote_id', 'ssrc', 'state', 'negotiated', 'transport', 'selected_candidate_pair', 'stats']);
    assert.deepEqual(Object.keys(status.transport), UNCONNECTED_FIELDS);
    for (const field of UNCONNECTED_FIELDS.slice(4, -1)) assert.equal(typeof status.transport[field], 'number', field);
    assert.deepEqual(status.transport.turn, []);
    for (const id of [callerId, calleeId]) assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
  });

  it('a native engine that stopped answers 503 ENGINE_UNAVAILABLE in the SkyWay shape, not 500', async () => {
    const own = await openVideoPort();
    const res = await placeCall('nobody', { video: true, audio: false, video_params: { codec: 'VP8', media_id: own.media_id } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.params.media_connection_id;
    gateway.engine.close();
    const status = await call(base, 'GET', `/media/connections/${id}/status`);
    assert.equal(status.status, 503, JSON.stringify(status.body));
    assertSkywayError(status.body, 'MEDIA_CONNECTION_STATUS');
    assert.match(status.body.params.errors[0].message, /engine is closed/);
    const pli = await call(base, 'POST', `/media/connections/${id}/pli`, { ip_v4: '127.0.0.1', port: 1 });
    assert.equal(pli.status, 503, JSON.stringify(pli.body));
    assertSkywayError(pli.body, 'MEDIA_CONNECTION_PLI');
  });
});
