import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import wrtc from '@roamhq/wrtc';

import type { Gateway } from '../../src/Gateway.js';
import { openDataPort, UdpEndpoint, waitForEvent, type RestPeer } from '../helpers/dataPath.js';
import { peerEvent } from '../helpers/media.js';
import { waitFor } from '../helpers/proc.js';
import { loadStockPeerjs, peerjsOptions, peerOpen } from '../helpers/stockPeerjs.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

type PeerCtor = Awaited<ReturnType<typeof loadStockPeerjs>>;
const { RTCVideoSource } = (wrtc as any).nonstandard;

/** createPeer with the id percent-encoded in the events path. */
async function createPlusPeer(base: string, id: string): Promise<RestPeer> {
  const res = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: id, turn: false });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const peer = { base, id: encodeURIComponent(id), token: res.body.params.token as string };
  assert.equal((await peerEvent(peer, 'OPEN')).params.peer_id, id);
  return peer;
}

describe('a gateway peer whose id holds a "+", reached by the stock peerjs client (1.5.5, libwebrtc in Node)', () => {
  let Peer: PeerCtor;
  let gateway: Gateway;
  let base: string;
  let browser: InstanceType<PeerCtor>;
  before(async () => {
    Peer = await loadStockPeerjs();
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
    browser = new Peer('browser', peerjsOptions(`ws://127.0.0.1:${gateway.signaling!.address.port}/`));
    await peerOpen(browser);
  });
  after(async () => {
    browser.destroy();
    await gateway.stop();
  });

  it('connects to "+81-90+1234" and exchanges a datagram each way', async () => {
    const gw = await createPlusPeer(base, '+81-90+1234');
    const conn = browser.connect('+81-90+1234', { serialization: 'raw', reliable: true });
    const received: unknown[] = [];
    conn.on('data', (d) => received.push(d));
    const event = await peerEvent(gw, 'CONNECTION');
    const id = event.data_params.data_connection_id;
    assert.equal((await call(base, 'GET', `/data/connections/${id}/status`)).body.remote_id, 'browser');
    const port = await openDataPort(base);
    const udp = await UdpEndpoint.open();
    try {
      const put = await call(base, 'PUT', `/data/connections/${id}`, { feed_params: { data_id: port.data_id }, redirect_params: { ip_v4: '127.0.0.1', port: udp.port } });
      assert.equal(put.status, 200);
      await waitForEvent(base, id, 'OPEN');
      await new Promise<void>((resolve) => (conn.open ? resolve() : conn.on('open', () => resolve())));
      conn.send('to the gateway');
      assert.equal((await udp.next()).toString(), 'to the gateway');
      await udp.send(port.port, 'to the browser');
      await waitFor(() => received.length > 0, 5000, 'the datagram at the stock client');
      assert.equal(Buffer.from(received[0] as ArrayBuffer).toString(), 'to the browser');
    } finally {
      udp.close();
    }
  });

  it('calls "a+b" with a camera track; the gateway answers and the video reaches the redirect', async () => {
    const gw = await createPlusPeer(base, 'a+b');
    // Another gateway peer, "a b", must not be confused with it.
    await createPlusPeer(base, 'a b');
    const source = new RTCVideoSource();
    const track = source.createTrack();
    const frame = { width: 160, height: 120, data: new Uint8ClampedArray(160 * 120 * 1.5) };
    const feeder = setInterval(() => source.onFrame(frame), 33);
    const udp = await UdpEndpoint.open();
    try {
      const stream = new (wrtc as any).MediaStream([track]);
      const mc = browser.call('a+b', stream);
      const id = (await peerEvent(gw, 'CALL')).call_params.media_connection_id;
      assert.equal((await call(base, 'GET', `/media/connections/${id}/status`)).body.remote_id, 'browser');
      const res = await call(base, 'POST', `/media/connections/${id}/answer`, {
        constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', payload_type: 100 } },
        redirect_params: { video: { ip_v4: '127.0.0.1', port: udp.port } },
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.deepEqual((await call(base, 'GET', `/media/connections/${id}/events`)).body, { event: 'READY' });
      // STREAM in api.yaml's shape: the stream the stock client sent, by its MediaStream id.
      assert.deepEqual((await call(base, 'GET', `/media/connections/${id}/events`)).body, {
        event: 'STREAM',
        stream_options: { is_video: true, media_connection_id: id, stream_id: stream.id },
      });
      const rtp = await udp.next(10000);
      assert.equal(rtp[1]! & 0x7f, 100, 'RTP with the payload type the answer asked for');
      mc.close();
      // The stock client hangs up: CLOSE with close_options, as api.yaml shapes it.
      let close: any;
      for (let i = 0; i < 6 && close?.event !== 'CLOSE'; i++) close = (await call(base, 'GET', `/media/connections/${id}/events`)).body;
      assert.equal(close?.event, 'CLOSE');
      assert.equal(typeof close.close_options?.reason, 'string');
    } finally {
      clearInterval(feeder);
      track.stop();
      udp.close();
    }
  });
});
