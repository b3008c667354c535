/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Page } from 'playwright-core';

import type { Gateway } from '../../src/Gateway.js';
import { launchChromium, type TestBrowser } from '../helpers/chromium.js';
import { createPeer, type RestPeer } from '../helpers/dataPath.js';
import { GstPipeline, opusSender, vp8Receiver, vp8Sender } from '../helpers/gstreamer.js';
import { h264Receiver, h264Sender, type H264Encoder } from '../helpers/h264.js';
import { fileSize, freeUdpPort, mediaEvents, peerEvent } from '../helpers/media.js';
import { waitFor } from '../helpers/proc.js';
import { i420Bytes, waitForDecodedFrames } from '../helpers/redirectedMedia.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

interface VideoStats {
  codec?: string;
  framesDecoded: number;
  frameWidth?: number;
  frameHeight?: number;
}

/** The demo page's incoming video statistics (examples/demo/demo.js, window.demo.stats). */
async function pageVideo(page: Page): Promise<VideoStats | undefined> {
  return page.evaluate(async () => (await (window as any).demo.stats())?.video);
}

describe('MediaConnections with headless Chromium running the demo page (examples/demo, served at /demo/)', () => {
  let chromium: TestBrowser;
  let gateway: Gateway;
  let base: string;
  let page: Page;
  let dir: string;
  const pipelines: GstPipeline[] = [];
  const W = 320;
  const H = 240;

  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn', demoPage: true }));
    chromium = await launchChromium();
    page = await chromium.open(`${base}/demo/?id=demo`);
    assert.equal(await page.evaluate(() => (window as any).demo.opened), 'demo');
    dir = mkdtempSync(join(tmpdir(), 'wg-chromium-media-'));
  });
  after(async () => {
    await Promise.all(pipelines.map((p) => p.stop()));
    await chromium.close();
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The gateway calls the page with send-only video from a fresh media port; returns both ids. */
  async function gatewayCallsPage(peer: RestPeer, codec: string, payloadType: number): Promise<{ id: string; port: number }> {
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const res = await call(base, 'POST', '/media/connections', {
      peer_id: peer.id,
      token: peer.token,
      target_id: 'demo',
      constraints: {
        video: true,
        videoReceiveEnabled: false,
        audio: false,
        video_params: { band_width: 1000, codec, media_id: video.media_id, payload_type: payloadType },
      },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.params.media_connection_id;
    assert.deepEqual(await mediaEvents(base, id, 'STREAM'), ['READY', 'STREAM']);
    return { id, port: video.port };
  }

  /** Waits for `frames` decoded frames of W x H in `codec` at the page. */
  async function pageDecodes(codec: string, frames: number): Promise<VideoStats> {
    let last: VideoStats | undefined;
    await waitFor(
      async () => {
        last = await pageVideo(page);
        return (last?.framesDecoded ?? 0) >= frames;
      },
      20000,
      `${frames} frames decoded by Chromium`,
    );
    assert.equal(last!.codec, `video/${codec}`);
    assert.equal(last!.frameWidth, W);
    assert.equal(last!.frameHeight, H);
    return last!;
  }

  /** Waits for `frames` whole W x H frames from GStreamer, asking for keyframes until the first. */
  const redirectDecodes = (id: string, file: string, frames: number, what: string): Promise<number> =>
    waitForDecodedFrames({ base, connectionId: id, file, frameBytes: i420Bytes(W, H), frames, timeoutMs: 20000, what });

  it('serves the demo page, the stock peerjs bundle and the signaling address', async () => {
    const redirect = await fetch(`${base}/demo?id=x&call=y`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/demo/?id=x&call=y', 'the page keeps its parameters');
    const config = (await call(base, 'GET', '/demo/config.json')).body;
    assert.deepEqual(config, {
      host: '127.0.0.1',
      port: gateway.signaling!.address.port,
      path: '/',
      secure: false,
      key: 'peerjs',
      iceServers: [],
    });
    const bundle = await fetch(`${base}/demo/peerjs.min.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
  });

  it('GStreamer VP8 -> gateway calls the page: Chromium decodes 320x240 VP8', async () => {
    const gw = await createPeer(base, 'gw-vp8');
    const { id, port } = await gatewayCallsPage(gw, 'VP8', 96);
    pipelines.push(vp8Sender(port, { width: W, height: H, payloadType: 96, seconds: 8 }));
    await pageDecodes('VP8', 30);
    assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
  });

  for (const encoder of ['x264enc', 'openh264enc'] as H264Encoder[]) {
    it(`GStreamer H264 from ${encoder} (PT 100) -> gateway calls the page: Chromium decodes 320x240 H264`, async () => {
      const gw = await createPeer(base, `gw-${encoder}`);
      const { id, port } = await gatewayCallsPage(gw, 'H264', 100);
      pipelines.push(h264Sender(port, { encoder, width: W, height: H, payloadType: 100, seconds: 8 }));
      await pageDecodes('H264', 30);
      assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
    });
  }

  it('audio only (video:false, videoReceiveEnabled:false): GStreamer Opus -> Chromium plays samples, no video section is received', async () => {
    const gw = await createPeer(base, 'gw-audio-only');
    const audio = (await call(base, 'POST', '/media', { is_video: false })).body;
    const res = await call(base, 'POST', '/media/connections', {
      peer_id: gw.id,
      token: gw.token,
      target_id: 'demo',
      constraints: {
        video: false,
        videoReceiveEnabled: false,
        audio: true,
        audioReceiveEnabled: false,
        audio_params: { band_width: 64, codec: 'OPUS', media_id: audio.media_id, payload_type: 111 },
      },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.params.media_connection_id;
    assert.deepEqual(await mediaEvents(base, id, 'STREAM'), ['READY', 'STREAM']);
    pipelines.push(opusSender(audio.port, { payloadType: 111, seconds: 6 }));
    let stats: any;
    await waitFor(
      async () => {
        stats = await page.evaluate(async () => (window as any).demo.stats());
        return (stats?.audio?.totalSamplesReceived ?? 0) >= 48000;
      },
      20000,
      '1 s of audio received by Chromium',
    );
    assert.equal(stats.audio.codec, 'audio/opus');
    assert.equal(stats.video, undefined, 'no video stream');
    const sdp: string = await page.evaluate(() => (window as any).demo.remoteDescription());
    assert.doesNotMatch(sdp, /^m=video [1-9]/m, 'the offer has no live video section');
    const status = (await call(base, 'GET', `/media/connections/${id}/status`)).body;
    assert.deepEqual(status.ssrc.map((s: any) => s.media_id), [audio.media_id]);
    assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
  });

  it("the page calls with Chromium's fake camera; the gateway answers with VP8 and GStreamer decodes the redirect", async () => {
    const gw = await createPeer(base, 'gw-callee-vp8');
    await page.evaluate((target) => (window as any).demo.call(target), gw.id);
    const id = (await peerEvent(gw, 'CALL')).call_params.media_connection_id;
    const port = await freeUdpPort();
    const file = join(dir, 'camera-vp8.i420');
    const receiver = vp8Receiver(port, file, { width: W, height: H, payloadType: 97 });
    pipelines.push(receiver);
    const res = await call(base, 'POST', `/media/connections/${id}/answer`, {
      constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', payload_type: 97 } },
      redirect_params: { video: { ip_v4: '127.0.0.1', port } },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(await mediaEvents(base, id, 'STREAM'), ['READY', 'STREAM']);
    await redirectDecodes(id, file, 20, "Chromium's camera in VP8");
    await receiver.stop();
    assert.equal(fileSize(file) % i420Bytes(W, H), 0, 'whole 320x240 I420 frames');
    await page.evaluate(() => (window as any).demo.hangUp());
    assert.ok((await mediaEvents(base, id, 'CLOSE')).includes('CLOSE'), "the page's hang-up is seen");
  });

  it('the gateway calls the page receive-only (video:false, videoReceiveEnabled); PLI answers 201 and GStreamer decodes H264', async () => {
    const gw = await createPeer(base, 'gw-recvonly-h264');
    const port = await freeUdpPort();
    const file = join(dir, 'camera-h264.i420');
    const receiver = h264Receiver(port, file, { width: W, height: H, payloadType: 102 });
    pipelines.push(receiver);
    const res = await call(base, 'POST', '/media/connections', {
      peer_id: gw.id,
      token: gw.token,
      target_id: 'demo',
      constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'H264', payload_type: 102 } },
      redirect_params: { video: { ip_v4: '127.0.0.1', port } },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.params.media_connection_id;
    assert.deepEqual(await mediaEvents(base, id, 'STREAM'), ['READY', 'STREAM']);
    const pli = await call(base, 'POST', `/media/connections/${id}/pli`, { ip_v4: '127.0.0.1', port });
    assert.equal(pli.status, 201, `a PLI on a call that only receives video: ${JSON.stringify(pli.body)}`);
    await redirectDecodes(id, file, 20, "Chromium's camera in H264");
    await receiver.stop();
    assert.equal(fileSize(file) % i420Bytes(W, H), 0, 'whole 320x240 I420 frames');
    const status = (await call(base, 'GET', `/media/connections/${id}/status`)).body;
    assert.ok(status.transport.videoReceived > 20, JSON.stringify(status.transport));
    assert.equal(status.transport.videoSent, 0, 'nothing is sent on a receive-only call');
    assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
  });
});
