// The wrtcPeer program (stock peerjs + libwebrtc in the peer namespace) receives the gateway's
// video across a lossy, delayed link and reports what libwebrtc saw.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer } from '../helpers/dataPath.js';
import { vp8Sender, type GstPipeline } from '../helpers/gstreamer.js';
import { spawnPeerScript, type PeerScript } from '../helpers/impairment/peerScript.js';
import { mediaEvents } from '../helpers/media.js';
import { createImpairedLink, type ImpairedLink } from '../helpers/networkNamespace.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

describe('wrtcPeer across an impaired link', () => {
  let link: ImpairedLink;
  let gateway: Gateway;
  let base: string;
  let receiver: PeerScript | undefined;
  let sender: GstPipeline | undefined;
  before(async () => {
    link = await createImpairedLink({ lossPercent: 3, delayMs: 25, seed: 7, direction: 'both' });
    // Signaling and ICE on the gateway side of the veth; RTP from GStreamer stays on loopback.
    ({ gateway, base } = await startTestGateway({
      logLevel: 'warn',
      signaling: { host: link.gatewayIp, port: 0, path: '/', key: 'peerjs', secret: undefined, allowDiscovery: false },
      mediaBindAddresses: [link.gatewayIp],
    }));
  });
  after(async () => {
    await sender?.stop();
    await receiver?.stop();
    await gateway?.stop();
    await link?.close();
  });

  it('answers a VP8 call receive-only, decodes frames, and its stats show the loss being repaired', async () => {
    const port = gateway.signaling!.address.port;
    receiver = spawnPeerScript(link, 'test/helpers/impairment/wrtcPeer.ts', ['--host', link.gatewayIp, '--port', String(port), '--id', 'netpeer']);
    await receiver.lines.nextJson(20000, `wrtcPeer registering (stderr: ${receiver.stderr()})`, (v) => v.event === 'open');
    const gw = await createPeer(base, 'gw-impaired');
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const res = await call(base, 'POST', '/media/connections', {
      peer_id: gw.id,
      token: gw.token,
      target_id: 'netpeer',
      constraints: { video: true, videoReceiveEnabled: false, audio: false, video_params: { codec: 'VP8', media_id: video.media_id, payload_type: 96 } },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(await mediaEvents(base, res.body.params.media_connection_id, 'STREAM'), ['READY', 'STREAM']);
    sender = vp8Sender(video.port, { width: 320, height: 240, payloadType: 96, seconds: 12 });
    let last: any;
    for (let i = 0; i < 20; i++) {
      last = await receiver.lines.nextJson(5000, 'wrtcPeer stats', (v) => v.event === 'stats');
      if (last.video?.framesDecoded >= 150 && last.video?.nackCount > 0) break;
    }
    console.log(`wrtcPeer stats: ${JSON.stringify(last)}`);
    const counters = await link.counters();
    console.log(`queue program: ${JSON.stringify(counters)}`);
    assert.ok(last.video.framesDecoded >= 150, `decoded ${last.video.framesDecoded} frames`);
    assert.equal(last.video.frameWidth, 320);
    assert.ok(last.sinkFrames > 0);
    assert.ok(last.video.nackCount > 0, 'losses were NACKed');
    assert.ok(counters.dropped > 0);
  });
});
