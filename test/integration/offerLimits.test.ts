import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../src/session/limits/ConnectionLimits.js';
import { createPeer, type RestPeer } from '../helpers/dataPath.js';
import { RawPeer } from '../helpers/signaling.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

const mediaOffer = (dst: string, connectionId: string) => ({
  type: 'OFFER',
  dst,
  payload: { sdp: { type: 'offer', sdp: 'v=0\r\n' }, type: 'media', connectionId, metadata: { connectionId } },
});

describe('limits on offers and connections (media offers from a raw signaling client)', () => {
  let gateway: Gateway;
  let base: string;
  let target: RestPeer;
  let remote: RawPeer;
  const limits = { ...DEFAULT_CONNECTION_LIMITS, maxPendingOffers: 3, offerTimeoutMs: 1500, maxConnectionsPerPeer: 5, maxConnections: 6 };

  /** Takes every queued peer event (long polls of 1 s). */
  const drainCalls = async (peer: RestPeer): Promise<string[]> => {
    const ids: string[] = [];
    for (;;) {
      const res = await call(base, 'GET', `/peers/${peer.id}/events?token=${peer.token}`);
      if (res.status !== 200) return ids;
      if (res.body.event === 'CALL') ids.push(res.body.call_params.media_connection_id);
    }
  };
  /** A connection's events until `wanted`, polling through 408s for up to `timeoutMs`. */
  const eventsUntil = async (id: string, wanted: string, timeoutMs = 5000): Promise<string[]> => {
    const seen: string[] = [];
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const res = await call(base, 'GET', `/media/connections/${id}/events`);
      if (res.status === 408) continue;
      assert.equal(res.status, 200, JSON.stringify(res.body));
      seen.push(res.body.event === 'ERROR' ? `ERROR(${res.body.error_message})` : res.body.event);
      if (res.body.event === wanted) return seen;
    }
    throw new Error(`no ${wanted} on ${id}: ${seen.join(', ')}`);
  };
  /** POST /media/connections: `peer` calls `remote`, sending VP8 from `mediaId`. */
  const placeCall = (peer: RestPeer, mediaId: string) =>
    call(base, 'POST', '/media/connections', {
      peer_id: peer.id,
      token: peer.token,
      target_id: 'remote',
      constraints: { video: true, videoReceiveEnabled: false, audio: false, video_params: { codec: 'VP8', media_id: mediaId } },
    });
  const refused = async (peer: RestPeer): Promise<Record<string, number>> =>
    (await call(base, 'GET', `/peers/${peer.id}/status?token=${peer.token}`)).body.refused_offers;

  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn', eventTimeoutMs: 1000, limits }));
    target = await createPeer(base, 'target');
    remote = await RawPeer.connect(`ws://127.0.0.1:${gateway.signaling!.address.port}/`, { id: 'remote', token: 'r', key: 'peerjs' });
    await remote.waitFor((m) => m.type === 'OPEN');
  });
  after(async () => {
    remote.close();
    await gateway.stop();
  });

  it('holds at most max_pending_offers unanswered offers; the rest are refused and counted', async () => {
    for (let i = 0; i < 10; i++) remote.send(mediaOffer('target', `mc_pending${i}`));
    const calls = await drainCalls(target);
    assert.equal(calls.length, 3);
    assert.deepEqual(await refused(target), { pending_offers: 7 });
  });

  it('closes an unanswered call after offer_timeout_ms with ERROR then CLOSE, which frees its slot', async () => {
    // The three calls of the previous test time out 1.5 s after their offers.
    await new Promise((r) => setTimeout(r, 1600));
    remote.send(mediaOffer('target', 'mc_after_expiry'));
    const calls = await drainCalls(target);
    assert.equal(calls.length, 1, 'a slot is free again');
    const expired = await call(base, 'GET', `/media/connections/${calls[0]}/status`);
    assert.equal(expired.body.state, 'offered');
    const events = await eventsUntil(calls[0]!, 'CLOSE');
    assert.match(events[0]!, /^ERROR\(the call was not answered within 1\.5 s/);
    assert.equal(events.at(-1), 'CLOSE');
    // The caller hears of it: an EXPIRE naming its connection (PeerJS has no per-connection close).
    const expire = await remote.waitFor((m) => m.type === 'EXPIRE' && m.payload?.connectionId === 'mc_after_expiry');
    assert.deepEqual(expire, {
      type: 'EXPIRE',
      dst: 'remote',
      payload: { type: 'media', connectionId: 'mc_after_expiry', reason: 'the call was not answered within 1.5 s (offer_timeout_ms)' },
      src: 'target',
    });
  });

  it('closes our own call when the remote never answers it', async () => {
    const caller = await createPeer(base, 'caller');
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const res = await placeCall(caller, video.media_id);
    assert.equal(res.status, 202);
    await remote.waitFor((m) => m.type === 'OFFER' && m.src === 'caller');
    const events = await eventsUntil(res.body.params.media_connection_id, 'CLOSE');
    assert.deepEqual(events, ['ERROR(the connection did not open within 1.5 s of its offer (offer_timeout_ms))', 'CLOSE']);
    await call(base, 'DELETE', `/peers/caller?token=${caller.token}`);
  });

  it('refuses calls over max_connections_per_peer and max_connections with 503 naming the limit', async () => {
    const caller = await createPeer(base, 'busy');
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    for (let i = 0; i < 5; i++) assert.equal((await placeCall(caller, video.media_id)).status, 202);
    const sixth = await placeCall(caller, video.media_id);
    assert.equal(sixth.status, 503);
    assert.equal(sixth.body.command_type, 'MEDIA_CONNECTION_CREATE');
    assert.match(sixth.body.params.errors[0].message, /max_connections_per_peer \(5\)/);
    // One more connection anywhere reaches the gateway's limit of 6.
    const other = await createPeer(base, 'other');
    const video2 = (await call(base, 'POST', '/media', { is_video: true })).body;
    assert.equal((await placeCall(other, video2.media_id)).status, 202);
    const overGateway = await placeCall(other, video2.media_id);
    assert.equal(overGateway.status, 503);
    assert.match(overGateway.body.params.errors[0].message, /max_connections \(6\)/);
    // Incoming offers meet the same limit.
    remote.send(mediaOffer('other', 'mc_over_gateway'));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await refused(other), { gateway_connections: 1 });
    await call(base, 'DELETE', `/peers/busy?token=${caller.token}`);
    await call(base, 'DELETE', `/peers/other?token=${other.token}`);
  });

  it('frees the unanswered offers of a remote that leaves the signaling server', async () => {
    await new Promise((r) => setTimeout(r, 1600));
    const leaver = await RawPeer.connect(`ws://127.0.0.1:${gateway.signaling!.address.port}/`, { id: 'leaver', token: 'l', key: 'peerjs' });
    await leaver.waitFor((m) => m.type === 'OPEN');
    leaver.send(mediaOffer('target', 'mc_leaver'));
    const [id] = await drainCalls(target);
    assert.ok(id);
    leaver.close();
    const events = await eventsUntil(id, 'CLOSE', 1000);
    assert.deepEqual(events, ['ERROR(peer-unavailable: leaver left the signaling server)', 'CLOSE']);
  });
});
