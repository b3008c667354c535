import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';

import wrtc from '@roamhq/wrtc';

import type { Gateway } from '../../src/Gateway.js';
import { rtpPacket } from '../helpers/badPackets.js';
import { createPeer, openDataPath, UdpEndpoint, type DataEnd, type RestPeer } from '../helpers/dataPath.js';
import { mediaEvents } from '../helpers/media.js';
import { fdCount, waitFor } from '../helpers/proc.js';
import { RawPeer } from '../helpers/signaling.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

/** The default of max_pending_offers. */
const MAX_PENDING = 32;
/**
 * What a libwebrtc PeerConnection answering an offer holds once it gathered: about ten
 * descriptors of its own and a UDP and a TCP socket per local address. PeerConnections that
 * gather at once bind N(N+1) sockets instead (32 of them: over a thousand), which this bound
 * refuses; the gateway lets them gather one after another.
 */
const DESCRIPTORS_PER_DATA_OFFER = 12 + 2 * Object.values(networkInterfaces()).flat().length;

/** A real libwebrtc data-channel offer, as the stock peerjs client would send. */
async function dataChannelOffer(): Promise<string> {
  const pc = new (wrtc as any).RTCPeerConnection();
  try {
    pc.createDataChannel('hostile');
    return (await pc.createOffer()).sdp as string;
  } finally {
    pc.close();
  }
}

/** A live call: A sends RTP from its media port, B redirects what it receives to a UDP socket. */
async function liveCall(gateway: Gateway, base: string, a: RestPeer, b: RestPeer) {
  const video = (await call(base, 'POST', '/media', { is_video: true })).body;
  const sink = await UdpEndpoint.open();
  const res = await call(base, 'POST', '/media/connections', {
    peer_id: a.id,
    token: a.token,
    target_id: b.id,
    constraints: { video: true, videoReceiveEnabled: false, audio: false, video_params: { codec: 'VP8', media_id: video.media_id, payload_type: 96 } },
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const incoming = await call(base, 'GET', `/peers/${b.id}/events?token=${b.token}`);
  assert.equal(incoming.body.event, 'CALL');
  const callee = incoming.body.call_params.media_connection_id as string;
  const answered = await call(base, 'POST', `/media/connections/${callee}/answer`, {
    constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', payload_type: 96 } },
    redirect_params: { video: { ip_v4: '127.0.0.1', port: sink.port } },
  });
  assert.equal(answered.status, 202, JSON.stringify(answered.body));
  await mediaEvents(base, callee, 'STREAM');
  await mediaEvents(base, res.body.params.media_connection_id, 'STREAM');
  let seq = 0;
  const sender = await UdpEndpoint.open();
  const timer = setInterval(() => {
    for (let i = 0; i < 5; i++) void sender.send(video.port, rtpPacket({ payloadType: 96, ssrc: 0x1234, seq: seq++ & 0xffff, timestamp: seq * 3000, payloadBytes: 200 }));
  }, 10);
  return {
    sink,
    stop: () => {
      clearInterval(timer);
      sender.close();
      sink.close();
    },
  };
}

describe('a hostile signaling client flooding a gateway peer with OFFERs', () => {
  let gateway: Gateway;
  let base: string;
  let target: RestPeer;
  let live: Awaited<ReturnType<typeof liveCall>>;
  let data: { caller: DataEnd; callee: DataEnd };
  let baselineFds: number;
  let sdp: string;
  const flooders: RawPeer[] = [];
  /** REST paths of the connections the flood created. */
  const created: string[] = [];

  before(async () => {
    ({ gateway, base } = await startTestGateway({
      logLevel: 'warn',
      eventTimeoutMs: 2000,
    }));
    target = await createPeer(base, 'target');
    live = await liveCall(gateway, base, await createPeer(base, 'caller'), await createPeer(base, 'callee'));
    data = await openDataPath(await createPeer(base, 'dataA'), await createPeer(base, 'dataB'), { serialization: 'NONE' });
    sdp = await dataChannelOffer();
    await new Promise((r) => setTimeout(r, 500));
    baselineFds = fdCount();
  });
  after(async () => {
    live?.stop();
    for (const f of flooders) f.close();
    await gateway.stop();
  });

  const offer = (type: 'data' | 'media', connectionId: string, offerSdp: string, metadata: unknown) => ({
    type: 'OFFER',
    dst: 'target',
    payload: { sdp: { type: 'offer', sdp: offerSdp }, type, connectionId, metadata, label: connectionId, reliable: true, serialization: 'binary' },
  });

  it('refuses offers past max_pending_offers, holds descriptors to a bound, and the live call and DataConnection keep delivering', async () => {
    const flooder = await RawPeer.connect(`ws://127.0.0.1:${gateway.signaling!.address.port}/`, { id: 'flooder', token: 'f1', key: 'peerjs' });
    flooders.push(flooder);
    await flooder.waitFor((m) => m.type === 'OPEN');
    const bound = baselineFds + MAX_PENDING * DESCRIPTORS_PER_DATA_OFFER + 64;
    let peakFds = 0;
    const sampler = setInterval(() => (peakFds = Math.max(peakFds, fdCount())), 20);
    const rtpBefore = live.sink.received;
    // 150 data offers: each accepted one is a libwebrtc PeerConnection of ~54 descriptors.
    for (let i = 0; i < 150; i++) flooder.send(offer('data', `dc_flood${i}`, sdp, { i }));
    // 1,000 media offers of ~60 KiB SDP: each accepted one is held until answered.
    const bigSdp = `${sdp}a=x-padding:${'x'.repeat(60_000 - sdp.length)}\r\n`;
    for (let i = 0; i < 1000; i++) flooder.send(offer('media', `mc_flood${i}`, bigSdp, { i }));
    await waitFor(
      async () => {
        const refused = (await call(base, 'GET', `/peers/target/status?token=${target.token}`)).body.refused_offers;
        return (refused.pending_offers ?? 0) >= 150 + 1000 - MAX_PENDING;
      },
      30_000,
      'every offer past the limit refused',
    );
    await data.caller.send('still here');
    assert.deepEqual(await data.callee.udp.next(), Buffer.from('still here'));
    const rtpDuring = live.sink.received;
    await new Promise((r) => setTimeout(r, 500));
    clearInterval(sampler);
    assert.ok(live.sink.received > rtpDuring, 'the live call keeps delivering RTP');
    assert.ok(rtpDuring > rtpBefore);
    assert.ok(peakFds <= bound, `descriptors peaked at ${peakFds}, bound ${bound} (baseline ${baselineFds})`);
    // What it did create: MAX_PENDING connections, data and media together.
    for (;;) {
      const res = await call(base, 'GET', `/peers/target/events?token=${target.token}`);
      if (res.status !== 200) break;
      if (res.body.event === 'CONNECTION') created.push(`/data/connections/${res.body.data_params.data_connection_id}`);
      if (res.body.event === 'CALL') created.push(`/media/connections/${res.body.call_params.media_connection_id}`);
    }
    assert.equal(created.length, MAX_PENDING);
  });

  it('frees what the offers created once the offerer leaves the signaling server', async () => {
    flooders[0]!.close();
    await waitFor(
      async () => {
        for (const path of created) {
          const status = await call(base, 'GET', `${path}/status`);
          if (status.status === 200 && status.body.state !== 'closed') return false;
        }
        return true;
      },
      10_000,
      "the flooder's connections closed",
    );
    await waitFor(() => fdCount() <= baselineFds + 16, 20_000, `descriptors back near the baseline ${baselineFds}`);
    await data.caller.send('after');
    assert.deepEqual(await data.callee.udp.next(), Buffer.from('after'));
  });
});
