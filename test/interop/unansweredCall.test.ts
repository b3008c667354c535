import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import wrtc from '@roamhq/wrtc';

import type { Gateway } from '../../src/Gateway.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../src/session/limits/ConnectionLimits.js';
import { createPeer, type RestPeer } from '../helpers/dataPath.js';
import { peerEvent } from '../helpers/media.js';
import { loadStockPeerjs, peerjsOptions, peerOpen } from '../helpers/stockPeerjs.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

type PeerCtor = Awaited<ReturnType<typeof loadStockPeerjs>>;
const { RTCVideoSource } = (wrtc as any).nonstandard;

/** A media connection's events until CLOSE, as "EVENT" or "ERROR(message)", with the time CLOSE came. */
async function eventsUntilClose(base: string, id: string): Promise<{ events: string[]; closedAfterMs: number }> {
  const started = Date.now();
  const events: string[] = [];
  while (events.at(-1) !== 'CLOSE') {
    const res = await call(base, 'GET', `/media/connections/${id}/events`);
    if (res.status === 408) continue;
    assert.equal(res.status, 200, `${JSON.stringify(res.body)} after ${events.join(', ')}`);
    events.push(res.body.event === 'ERROR' ? `ERROR(${res.body.error_message})` : res.body.event);
  }
  return { events, closedAfterMs: Date.now() - started };
}

describe('an incoming call nobody answers: what the caller sees', () => {
  let Peer: PeerCtor;
  // A: the callers' gateway, which waits the default 60 s for answers; B: the callee's, 1.5 s.
  let a: { gateway: Gateway; base: string };
  let b: { gateway: Gateway; base: string };
  let signalingUrl: string;
  let n = 0;
  before(async () => {
    Peer = await loadStockPeerjs();
    a = await startTestGateway({ logLevel: 'warn' });
    signalingUrl = `ws://127.0.0.1:${a.gateway.signaling!.address.port}/`;
    const range = 30000 + (process.pid % 300) * 100;
    b = await startTestGateway({
      logLevel: 'warn',
      signaling: undefined,
      signalingUrl,
      portMin: range,
      portMax: range + 99,
      limits: { ...DEFAULT_CONNECTION_LIMITS, offerTimeoutMs: 1500 },
    });
  });
  after(async () => {
    await b.gateway.stop();
    await a.gateway.stop();
  });

  /** Peer `caller-N` on A calls `callee-N` on B; returns both peers, A's connection and B's. */
  async function placeCall(): Promise<{ caller: RestPeer; callee: RestPeer; callerId: string; calleeId: string }> {
    n++;
    const caller = await createPeer(a.base, `caller-${n}`);
    const callee = await createPeer(b.base, `callee-${n}`);
    const video = (await call(a.base, 'POST', '/media', { is_video: true })).body;
    const placed = await call(a.base, 'POST', '/media/connections', {
      peer_id: caller.id,
      token: caller.token,
      target_id: callee.id,
      constraints: { video: true, audio: false, video_params: { codec: 'VP8', media_id: video.media_id } },
    });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    const calleeId = (await peerEvent(callee, 'CALL')).call_params.media_connection_id;
    return { caller, callee, callerId: placed.body.params.media_connection_id, calleeId };
  }

  it('a calling gateway ends its call when the callee gives up, with the callee\'s reason, not an ICE failure 30 s on', async () => {
    const { callee, callerId, calleeId } = await placeCall();
    const [atCaller, atCallee] = await Promise.all([eventsUntilClose(a.base, callerId), eventsUntilClose(b.base, calleeId)]);
    assert.deepEqual(atCallee.events, ['ERROR(the call was not answered within 1.5 s (offer_timeout_ms))', 'CLOSE']);
    assert.deepEqual(atCaller.events, [
      `ERROR(${callee.id} ended the call without answering it: the call was not answered within 1.5 s (offer_timeout_ms))`,
      'CLOSE',
    ]);
    assert.ok(atCaller.closedAfterMs < 5000, `closed after ${atCaller.closedAfterMs} ms`);
  });

  it('a callee that DELETEs the call it never answered declines it: the calling gateway ends it at once', async () => {
    const { callee, callerId, calleeId } = await placeCall();
    assert.equal((await call(b.base, 'DELETE', `/media/connections/${calleeId}`)).status, 204);
    const atCaller = await eventsUntilClose(a.base, callerId);
    assert.deepEqual(atCaller.events, [`ERROR(${callee.id} ended the call without answering it: closed by DELETE)`, 'CLOSE']);
    assert.ok(atCaller.closedAfterMs < 1000, `closed after ${atCaller.closedAfterMs} ms`);
  });

  it('the stock peerjs client that called hears peer-unavailable when the gateway gives up', async () => {
    const callee = await createPeer(b.base, 'callee-of-stock');
    const browser = new Peer('stock-caller', peerjsOptions(signalingUrl));
    const source = new RTCVideoSource();
    const track = source.createTrack();
    try {
      await peerOpen(browser);
      const error = new Promise<{ type: string; message: string }>((resolve) => browser.on('error', (e: any) => resolve({ type: e.type, message: e.message })));
      browser.call(callee.id, new (wrtc as any).MediaStream([track]));
      const calleeId = (await peerEvent(callee, 'CALL')).call_params.media_connection_id;
      const started = Date.now();
      assert.deepEqual(await error, { type: 'peer-unavailable', message: `Could not connect to peer ${callee.id}` });
      assert.ok(Date.now() - started < 5000);
      assert.equal((await call(b.base, 'GET', `/media/connections/${calleeId}/status`)).body.state, 'closed');
    } finally {
      track.stop();
      browser.destroy();
    }
  });
});
