import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer, type RestPeer } from '../helpers/dataPath.js';
import { answerNextCall, DecodedMedia } from '../helpers/decodedMedia.js';
import { startGatewayProcess, type RunningGateway } from '../helpers/gatewayProcesses.js';
import { GstPipeline, opusSender, videoReceiver, vp8Sender } from '../helpers/gstreamer.js';
import { freeUdpPort, mediaEvents, peerEvent } from '../helpers/media.js';
import { waitFor } from '../helpers/proc.js';
import { i420Bytes, waitForDecodedFrames } from '../helpers/redirectedMedia.js';
import { loadStockPeerjs, peerjsOptions, peerOpen } from '../helpers/stockPeerjs.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

type PeerCtor = Awaited<ReturnType<typeof loadStockPeerjs>>;
const A_TO_VIEWERS = { width: 320, height: 240 };
const B_TO_A = { width: 176, height: 144 };

// media_shared_port: every connection of gateway A uses one UDP socket. Its viewers are three
// stock peerjs clients (libwebrtc) and gateway B (its own socket per connection), which also
// sends video back, so A's shared socket carries ICE, DTLS, SRTP and SRTCP both ways for four
// connections at once.
describe('media_shared_port: one UDP socket for all of a gateway\'s MediaConnections', () => {
  let Peer: PeerCtor;
  let a: Gateway;
  let base: string;
  let sharedPort: number;
  let b: RunningGateway;
  let dir: string;
  const browsers: InstanceType<PeerCtor>[] = [];
  const decoded: DecodedMedia[] = [];
  const pipelines: GstPipeline[] = [];
  before(async () => {
    Peer = await loadStockPeerjs();
    sharedPort = await freeUdpPort();
    ({ gateway: a, base } = await startTestGateway({ logLevel: 'warn', mediaSharedPort: sharedPort }));
    const start = 51100 + (process.pid % 200) * 20;
    b = await startGatewayProcess({ portMin: start, portMax: start + 19, signalingUrl: `ws://127.0.0.1:${a.signaling!.address.port}/` });
    for (let i = 0; i < 3; i++) {
      const browser = new Peer(`viewer${i}`, peerjsOptions(`ws://127.0.0.1:${a.signaling!.address.port}/`));
      await peerOpen(browser);
      browsers.push(browser);
      decoded.push(new DecodedMedia());
    }
    dir = mkdtempSync(join(tmpdir(), 'wg-shared-'));
  });
  after(async () => {
    await Promise.all(pipelines.map((p) => p.stop()));
    for (const d of decoded) d.stop();
    for (const browser of browsers) browser.destroy();
    await b?.stop().catch(() => undefined);
    await a?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const sharedStats = () => {
    const list = a.engine.stats().sharedSockets ?? [];
    assert.equal(list.length, 1, JSON.stringify(list));
    return list[0]!;
  };

  it('four viewers at once on one port: each libwebrtc viewer decodes, B decodes and sends back; one leaves, the others go on; all freed', async () => {
    assert.equal(sharedStats().address, `127.0.0.1:${sharedPort}`);
    const fan = await createPeer(base, 'fan');
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const audio = (await call(base, 'POST', '/media', { is_video: false })).body;
    const videoB = (await call(b.api, 'POST', '/media', { is_video: true })).body;
    const constraints = (videoReceiveEnabled: boolean) => ({
      video: true,
      videoReceiveEnabled,
      audio: true,
      audioReceiveEnabled: false,
      video_params: { band_width: 1500, codec: 'VP8', media_id: video.media_id, payload_type: 96 },
      audio_params: { band_width: 64, codec: 'OPUS', media_id: audio.media_id, payload_type: 111 },
    });

    const answered = browsers.map((browser, i) => answerNextCall(browser, decoded[i]!));
    const ids: string[] = [];
    for (let i = 0; i < browsers.length; i++) {
      const res = await call(base, 'POST', '/media/connections', { peer_id: fan.id, token: fan.token, target_id: `viewer${i}`, constraints: constraints(false) });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      ids.push(res.body.params.media_connection_id);
    }
    const wrtcCalls = await Promise.all(answered);

    // Gateway B answers with video of its own; A redirects it to a GStreamer decoder.
    const peerB: RestPeer = await createPeer(b.api, 'gwb');
    const redirectA = await freeUdpPort();
    const redirectB = await freeUdpPort();
    const atA = join(dir, 'at-a.i420');
    const atB = join(dir, 'at-b.i420');
    pipelines.push(videoReceiver('VP8', redirectA, atA, { ...B_TO_A, payloadType: 96 }));
    pipelines.push(videoReceiver('VP8', redirectB, atB, { ...A_TO_VIEWERS, payloadType: 100 }));
    const toB = await call(base, 'POST', '/media/connections', {
      peer_id: fan.id,
      token: fan.token,
      target_id: peerB.id,
      constraints: constraints(true),
      redirect_params: { video: { ip_v4: '127.0.0.1', port: redirectA } },
    });
    assert.equal(toB.status, 202, JSON.stringify(toB.body));
    const idToB = toB.body.params.media_connection_id;
    ids.push(idToB);
    const idAtB = (await peerEvent(peerB, 'CALL')).call_params.media_connection_id;
    const answer = await call(b.api, 'POST', `/media/connections/${idAtB}/answer`, {
      constraints: {
        video: true,
        videoReceiveEnabled: true,
        audio: false,
        audioReceiveEnabled: false,
        video_params: { codec: 'VP8', media_id: videoB.media_id, payload_type: 100 },
      },
      redirect_params: { video: { ip_v4: '127.0.0.1', port: redirectB } },
    });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    for (const id of ids) assert.deepEqual(await mediaEvents(base, id, 'STREAM'), ['READY', 'STREAM']);
    assert.equal(sharedStats().transports, 4);

    pipelines.push(vp8Sender(video.port, { ...A_TO_VIEWERS, payloadType: 96, seconds: 12 }));
    pipelines.push(opusSender(audio.port, { payloadType: 111, seconds: 12 }));
    pipelines.push(vp8Sender(videoB.port, { ...B_TO_A, payloadType: 100, seconds: 12 }));
    await waitFor(() => decoded.every((d) => d.frames.length >= 30 && d.samples >= 48000), 20000, '30 decoded frames and 1 s of audio at each viewer');
    for (const d of decoded) assert.deepEqual(d.sizes(), ['320x240']);
    await Promise.all([
      waitForDecodedFrames({ base: b.api, connectionId: idAtB, file: atB, frameBytes: i420Bytes(A_TO_VIEWERS.width, A_TO_VIEWERS.height), frames: 30, timeoutMs: 20000, what: 'A to B, 320x240' }),
      waitForDecodedFrames({ base, connectionId: idToB, file: atA, frameBytes: i420Bytes(B_TO_A.width, B_TO_A.height), frames: 30, timeoutMs: 20000, what: 'B to A over the shared port, 176x144' }),
    ]);

    // Every viewer's libwebrtc reached A at the shared port and nowhere else.
    for (const mc of wrtcCalls) {
      const report = await mc.peerConnection.getStats();
      const pairs = [...report.values()].filter((s: any) => s.type === 'candidate-pair' && s.state === 'succeeded');
      assert.ok(pairs.length > 0, 'a succeeded candidate pair');
      for (const pair of pairs) assert.equal(report.get(pair.remoteCandidateId).port, sharedPort);
    }
    const status = (await call(base, 'GET', `/media/connections/${ids[0]}/status`)).body.transport;
    assert.equal(status.droppedSrtpAuth, 0, JSON.stringify(status));
    const routed = sharedStats();
    assert.ok(routed.routedByUfrag > 0 && routed.routedByTransaction > 0 && routed.routedByAddress > 0, JSON.stringify(routed));
    assert.equal(routed.addressTakeovers, 0, JSON.stringify(routed));

    // viewer0 leaves; the others keep decoding without a pause.
    assert.equal((await call(base, 'DELETE', `/media/connections/${ids[0]}`)).status, 204);
    assert.equal(sharedStats().transports, 3);
    const left = Date.now();
    await waitFor(() => decoded.slice(1).every((d) => d.framesBetween(left).length >= 30), 10000, '30 more frames at viewer1 and viewer2');
    for (const d of decoded.slice(1)) {
      const after = d.framesBetween(left);
      const gaps = after.slice(1).map((f, i) => f.at - after[i]!.at);
      assert.ok(Math.max(...gaps) < 500, `no frame gap of 500 ms or more: ${Math.max(...gaps)} ms`);
    }

    for (const id of ids.slice(1)) assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
    assert.equal(sharedStats().transports, 0);
    // What still arrives for a closed connection (its remote's last packets) is dropped and counted.
    const stray = createSocket('udp4');
    await new Promise<void>((resolve) => stray.bind(0, '127.0.0.1', resolve));
    const before = sharedStats().droppedUnknown;
    await new Promise<void>((resolve) => stray.send(Buffer.from([0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2]), sharedPort, '127.0.0.1', () => resolve()));
    await waitFor(() => sharedStats().droppedUnknown > before, 2000, 'the stray datagram counted');
    stray.close();
  });

  it('a shared port already taken stops the start with an error that names the setting', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', resolve));
    try {
      await assert.rejects(startTestGateway({ logLevel: 'silent', mediaSharedPort: taken.address().port }), (error: Error) => {
        assert.match(error.message, new RegExp(`^media_shared_port ${taken.address().port} on 127\\.0\\.0\\.1: bind .* failed: Address already in use`));
        return true;
      });
    } finally {
      taken.close();
    }
  });
});
