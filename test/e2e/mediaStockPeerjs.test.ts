import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import wrtc from '@roamhq/wrtc';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer } from '../helpers/dataPath.js';
import { fileSize, freeUdpPort, mediaEvents, peerEvent } from '../helpers/media.js';
import { GstPipeline, opusReceiver, opusSender, vp8Receiver, vp8Sender } from '../helpers/gstreamer.js';
import { waitFor } from '../helpers/proc.js';
import { i420Bytes, waitForDecodedFrames } from '../helpers/redirectedMedia.js';
import { loadStockPeerjs, peerjsOptions, peerOpen } from '../helpers/stockPeerjs.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

type PeerCtor = Awaited<ReturnType<typeof loadStockPeerjs>>;
const { RTCVideoSink, RTCAudioSink, RTCVideoSource, RTCAudioSource } = (wrtc as any).nonstandard;

describe('MediaConnections: GStreamer and the stock peerjs client (libwebrtc in Node) through the gateway', () => {
  let Peer: PeerCtor;
  let gateway: Gateway;
  let base: string;
  let browser: InstanceType<PeerCtor>;
  let dir: string;
  const pipelines: GstPipeline[] = [];
  before(async () => {
    Peer = await loadStockPeerjs();
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
    browser = new Peer('browser', peerjsOptions(`ws://127.0.0.1:${gateway.signaling!.address.port}/`));
    await peerOpen(browser);
    dir = mkdtempSync(join(tmpdir(), 'wg-media-'));
  });
  after(async () => {
    await Promise.all(pipelines.map((p) => p.stop()));
    browser.destroy();
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GStreamer VP8 + Opus -> gateway calls the stock client: it decodes 320x240 frames and receives audio samples', async () => {
    const gw = await createPeer(base, 'gwcaller');
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const audio = (await call(base, 'POST', '/media', { is_video: false })).body;
    const frames: { width: number; height: number }[] = [];
    let samples = 0;
    browser.once('call', (mc: any) => {
      mc.on('stream', (stream: any) => {
        for (const track of stream.getTracks()) {
          if (track.kind === 'video') {
            const sink = new RTCVideoSink(track);
            sink.onframe = ({ frame }: any) => frames.length < 1000 && frames.push({ width: frame.width, height: frame.height });
          } else {
            const sink = new RTCAudioSink(track);
            sink.ondata = (d: any) => (samples += d.numberOfFrames);
          }
        }
      });
      mc.answer();
    });
    const res = await call(base, 'POST', '/media/connections', {
      peer_id: gw.id,
      token: gw.token,
      target_id: 'browser',
      constraints: {
        video: true,
        videoReceiveEnabled: false,
        audio: true,
        audioReceiveEnabled: false,
        video_params: { band_width: 1500, codec: 'VP8', media_id: video.media_id, payload_type: 96 },
        audio_params: { band_width: 64, codec: 'OPUS', media_id: audio.media_id, payload_type: 111 },
      },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.params.media_connection_id;
    assert.match(id, /^mc-/);
    assert.deepEqual(await mediaEvents(base, id, 'STREAM'), ['READY', 'STREAM']);
    pipelines.push(vp8Sender(video.port, { width: 320, height: 240, payloadType: 96, seconds: 6 }));
    pipelines.push(opusSender(audio.port, { payloadType: 111, seconds: 6 }));
    await waitFor(() => frames.length >= 30 && samples >= 48000, 15000, '30 decoded frames and 1 s of audio');
    assert.ok(frames.every((f) => f.width === 320 && f.height === 240), JSON.stringify(frames.slice(0, 5)));
    const status = (await call(base, 'GET', `/media/connections/${id}/status`)).body;
    assert.equal(status.open, true);
    assert.equal(status.remote_id, 'browser');
    assert.deepEqual(status.ssrc.map((s: any) => s.media_id).sort(), [audio.media_id, video.media_id].sort());
    assert.ok(status.transport.videoSent > 0 && status.transport.audioSent > 0);

    assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
    assert.equal((await call(base, 'GET', `/media/${video.media_id}/status`)).status, 404, 'the media port only it used is freed');
  });

  it('the stock client calls with a camera track; the gateway answers and GStreamer decodes it from the redirect', async () => {
    const gw = await createPeer(base, 'gwcallee');
    const source = new RTCVideoSource();
    const track = source.createTrack();
    const width = 320;
    const height = 240;
    const frame = { width, height, data: new Uint8ClampedArray(width * height * 1.5) };
    let tick = 0;
    const feeder = setInterval(() => {
      frame.data.fill(tick++ % 255, 0, width * height);
      source.onFrame(frame);
    }, 33);
    try {
      const mc = browser.call(gw.id, new (wrtc as any).MediaStream([track]));
      const callEvent = await peerEvent(gw, 'CALL');
      const id = callEvent.call_params.media_connection_id;
      const port = await freeUdpPort();
      const file = join(dir, 'camera.i420');
      const receiver = vp8Receiver(port, file, { width, height, payloadType: 100 });
      pipelines.push(receiver);
      const res = await call(base, 'POST', `/media/connections/${id}/answer`, {
        constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', payload_type: 100 } },
        redirect_params: { video: { ip_v4: '127.0.0.1', port } },
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.deepEqual(res.body, { command_type: 'MEDIA_CONNECTION_ANSWER', params: {} });
      assert.deepEqual(await mediaEvents(base, id, 'STREAM'), ['READY', 'STREAM']);
      const frameBytes = i420Bytes(width, height);
      // The camera's first keyframe may come before GStreamer listens: ask for one, as a recorder
      // joining a running stream does. Without the PLI reaching libwebrtc, no frame decodes.
      const plis = await waitForDecodedFrames({ base, connectionId: id, file, frameBytes, frames: 20, timeoutMs: 20000, what: 'the wrtc camera' });
      assert.ok(plis <= 20, `frames after ${plis} PLIs`);
      await receiver.stop();
      assert.equal(fileSize(file) % frameBytes, 0, 'whole 320x240 I420 frames');
      mc.close();
      assert.ok((await mediaEvents(base, id, 'CLOSE')).includes('CLOSE'), 'a hang-up from the stock client is seen');
    } finally {
      clearInterval(feeder);
      track.stop();
    }
  });

  it('the stock client calls with a microphone track; the gateway answers audio only and GStreamer decodes the tone', async () => {
    const gw = await createPeer(base, 'gwcallee-audio');
    const source = new RTCAudioSource();
    const track = source.createTrack();
    // 10 ms of a 440 Hz tone at 48 kHz mono, every 10 ms.
    const samples = new Int16Array(480);
    let phase = 0;
    const feeder = setInterval(() => {
      for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * phase++) / 48000));
      source.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: samples.length });
    }, 10);
    try {
      const mc = browser.call(gw.id, new (wrtc as any).MediaStream([track]));
      const id = (await peerEvent(gw, 'CALL')).call_params.media_connection_id;
      const port = await freeUdpPort();
      const file = join(dir, 'microphone.s16');
      pipelines.push(opusReceiver(port, file, { payloadType: 109 }));
      const res = await call(base, 'POST', `/media/connections/${id}/answer`, {
        constraints: { video: false, videoReceiveEnabled: false, audio: false, audioReceiveEnabled: true, audio_params: { codec: 'OPUS', payload_type: 109 } },
        redirect_params: { audio: { ip_v4: '127.0.0.1', port } },
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.deepEqual(await mediaEvents(base, id, 'STREAM'), ['READY', 'STREAM']);
      const second = 48000 * 2 * 2; // stereo S16 at 48 kHz
      await waitFor(() => fileSize(file) >= 2 * second, 15000, '2 s of decoded audio from GStreamer');
      // The tone, not silence: the last second's RMS is near 8000 / sqrt(2) (Opus is lossy).
      const pcm = readFileSync(file);
      const tail = new Int16Array(pcm.buffer, pcm.byteOffset + pcm.length - second, second / 2);
      const rms = Math.sqrt(tail.reduce((sum, v) => sum + v * v, 0) / tail.length);
      assert.ok(rms > 3000 && rms < 9000, `RMS of the decoded tone: ${rms.toFixed(0)}`);
      const status = (await call(base, 'GET', `/media/connections/${id}/status`)).body;
      assert.ok(status.transport.audioReceived > 50, JSON.stringify(status.transport));
      mc.close();
      assert.ok((await mediaEvents(base, id, 'CLOSE')).includes('CLOSE'));
    } finally {
      clearInterval(feeder);
      track.stop();
    }
  });

  it('one media port feeds two calls (fan-out) and both calls redirect to one address: every client decodes', async () => {
    const second = new Peer('browser2', peerjsOptions(`ws://127.0.0.1:${gateway.signaling!.address.port}/`));
    await peerOpen(second);
    const clients = [browser, second];
    const frames = clients.map(() => 0);
    const cameras = clients.map(() => new RTCVideoSource());
    const tracks = cameras.map((c) => c.createTrack());
    const feeder = setInterval(() => {
      for (const c of cameras) c.onFrame({ width: 176, height: 144, data: new Uint8ClampedArray(176 * 144 * 1.5) });
    }, 33);
    const ids: string[] = [];
    try {
      const gw = await createPeer(base, 'gw-fanout');
      const video = (await call(base, 'POST', '/media', { is_video: true })).body;
      // Both calls send the same port's VP8 and redirect what the clients send to one socket.
      const sink = createSocket('udp4');
      await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
      const ssrcs = new Set<number>();
      sink.on('message', (msg) => msg.length >= 12 && ssrcs.add(msg.readUInt32BE(8)));
      clients.forEach((client, i) =>
        client.once('call', (mc: any) => {
          mc.on('stream', (stream: any) => {
            const sink = new RTCVideoSink(stream.getVideoTracks()[0]);
            sink.onframe = ({ frame }: any) => frame.width === 320 && frame.height === 240 && (frames[i] = frames[i]! + 1);
          });
          mc.answer(new (wrtc as any).MediaStream([tracks[i]]));
        }),
      );
      for (const client of clients) {
        const res = await call(base, 'POST', '/media/connections', {
          peer_id: gw.id,
          token: gw.token,
          target_id: client.id,
          constraints: { video: true, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', media_id: video.media_id, payload_type: 96 } },
          redirect_params: { video: { ip_v4: '127.0.0.1', port: sink.address().port } },
        });
        assert.equal(res.status, 202, JSON.stringify(res.body));
        ids.push(res.body.params.media_connection_id);
      }
      for (const id of ids) assert.deepEqual(await mediaEvents(base, id, 'STREAM'), ['READY', 'STREAM']);
      const sender = vp8Sender(video.port, { width: 320, height: 240, payloadType: 96, seconds: 6 });
      pipelines.push(sender);
      await waitFor(() => frames.every((n) => n >= 30), 15000, `30 frames at each client (${frames})`);
      await waitFor(() => ssrcs.size === 2, 10000, 'RTP from both clients at the one redirect address');
      sink.close();
      // Once the sender has stopped, both calls have forwarded every datagram the port received.
      await sender.stop();
      await new Promise((r) => setTimeout(r, 200));
      const port = (await call(base, 'GET', `/media/${video.media_id}/status`)).body;
      const sent = await Promise.all(ids.map(async (id) => (await call(base, 'GET', `/media/connections/${id}/status`)).body.transport.videoSent));
      for (const n of sent) assert.equal(n, port.packets, `sent ${n} of ${port.packets}`);
    } finally {
      clearInterval(feeder);
      tracks.forEach((t) => t.stop());
      for (const id of ids) await call(base, 'DELETE', `/media/connections/${id}`);
      second.destroy();
    }
  });
});
