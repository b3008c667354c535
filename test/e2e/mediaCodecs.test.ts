import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer, type RestPeer } from '../helpers/dataPath.js';
import { answerNextCall, DecodedMedia } from '../helpers/decodedMedia.js';
import { ffmpegOpusSender, ffmpegVp8Sender, ffmpegVp9Sender, type FfmpegProcess } from '../helpers/ffmpeg.js';
import { GstPipeline, vp9Sender } from '../helpers/gstreamer.js';
import { mediaEvents } from '../helpers/media.js';
import { waitFor } from '../helpers/proc.js';
import { loadStockPeerjs, peerjsOptions, peerOpen } from '../helpers/stockPeerjs.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

type PeerCtor = Awaited<ReturnType<typeof loadStockPeerjs>>;

/** The codec libwebrtc decoded a received stream with, from the receiving PeerConnection's stats. */
async function inboundCodecs(mc: any): Promise<string[]> {
  const report = await mc.peerConnection.getStats();
  const codecs = new Map<string, string>();
  const inbound: { kind: string; codecId: string; framesDecoded?: number }[] = [];
  report.forEach((s: any) => {
    if (s.type === 'codec') codecs.set(s.id, s.mimeType);
    if (s.type === 'inbound-rtp') inbound.push(s);
  });
  return inbound.map((s) => `${s.kind}:${codecs.get(s.codecId)}`).sort();
}

describe('MediaConnections with other codecs and senders: VP9 from GStreamer and ffmpeg, VP8 and Opus from ffmpeg, into the stock peerjs client', () => {
  let Peer: PeerCtor;
  let gateway: Gateway;
  let base: string;
  let browser: InstanceType<PeerCtor>;
  const senders: (GstPipeline | FfmpegProcess)[] = [];
  const decoded: DecodedMedia[] = [];
  before(async () => {
    Peer = await loadStockPeerjs();
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
    browser = new Peer('codecbrowser', peerjsOptions(`ws://127.0.0.1:${gateway.signaling!.address.port}/`));
    await peerOpen(browser);
  });
  after(async () => {
    await Promise.all(senders.map((s) => s.stop()));
    for (const d of decoded) d.stop();
    browser.destroy();
    await gateway.stop();
  });

  /** The gateway calls the stock client with what `constraints` send; returns the connection id once STREAM came. */
  async function callBrowser(peer: RestPeer, constraints: Record<string, unknown>): Promise<{ id: string; mc: any; media: DecodedMedia }> {
    const media = new DecodedMedia();
    decoded.push(media);
    const answered = answerNextCall(browser, media);
    const res = await call(base, 'POST', '/media/connections', { peer_id: peer.id, token: peer.token, target_id: 'codecbrowser', constraints });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.params.media_connection_id as string;
    const mc = await answered;
    assert.deepEqual(await mediaEvents(base, id, 'STREAM'), ['READY', 'STREAM']);
    return { id, mc, media };
  }

  it('GStreamer VP9 (payload type 98) -> gateway -> the stock client decodes 352x288 VP9 frames', async () => {
    const peer = await createPeer(base, 'vp9caller');
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const { id, mc, media } = await callBrowser(peer, {
      video: true,
      videoReceiveEnabled: false,
      audio: false,
      video_params: { band_width: 1500, codec: 'VP9', media_id: video.media_id, payload_type: 98 },
    });
    const status = (await call(base, 'GET', `/media/connections/${id}/status`)).body;
    assert.deepEqual(
      status.negotiated.map((m: any) => ({ media: m.media, codec: m.codec, send: m.send })),
      [{ media: 'video', codec: 'VP9', send: true }],
    );

    senders.push(vp9Sender(video.port, { width: 352, height: 288, payloadType: 98, seconds: 8 }));
    await waitFor(() => media.frames.length >= 30, 20000, '30 VP9 frames decoded by libwebrtc');
    assert.deepEqual(media.sizes(), ['352x288'], 'every decoded frame has the sent size');
    assert.deepEqual(await inboundCodecs(mc), ['video:video/VP9'], 'libwebrtc decoded VP9');
    const transport = (await call(base, 'GET', `/media/connections/${id}/status`)).body.transport;
    assert.ok(transport.videoSent >= 30, JSON.stringify(transport));
    assert.equal(transport.outboundDropped, 0, JSON.stringify(transport));

    assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
  });

  it('ffmpeg VP8 (libvpx) and Opus (libopus) over its RTP muxer -> gateway -> the stock client decodes 320x240 frames and the tone', async () => {
    const peer = await createPeer(base, 'ffmpegcaller');
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const audio = (await call(base, 'POST', '/media', { is_video: false })).body;
    const { id, mc, media } = await callBrowser(peer, {
      video: true,
      videoReceiveEnabled: false,
      audio: true,
      audioReceiveEnabled: false,
      video_params: { band_width: 1500, codec: 'VP8', media_id: video.media_id, payload_type: 97 },
      audio_params: { band_width: 64, codec: 'OPUS', media_id: audio.media_id, payload_type: 109 },
    });

    const ffmpeg = [
      ffmpegVp8Sender(video.port, { width: 320, height: 240, payloadType: 97, seconds: 8 }),
      ffmpegOpusSender(audio.port, { payloadType: 109, seconds: 8 }),
    ];
    senders.push(...ffmpeg);
    // 50 audible 10 ms chunks: half a second of the tone, not what libwebrtc conceals with.
    await waitFor(() => media.frames.length >= 30 && media.audibleChunks >= 50, 20000, '30 decoded frames and 0.5 s of the tone from ffmpeg');
    assert.deepEqual(media.sizes(), ['320x240'], 'every decoded frame has the sent size');
    assert.deepEqual(await inboundCodecs(mc), ['audio:audio/opus', 'video:video/VP8']);
    const transport = (await call(base, 'GET', `/media/connections/${id}/status`)).body.transport;
    assert.ok(transport.videoSent >= 30 && transport.audioSent >= 25, JSON.stringify(transport));
    assert.equal(transport.outboundDropped, 0, JSON.stringify(transport));
    for (const f of ffmpeg) assert.equal(f.stderr, '', 'ffmpeg reports no error');

    assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
  });

  it('ffmpeg VP9 (libvpx-vp9, payload type 100) -> gateway -> the stock client decodes 320x180 VP9 frames', async () => {
    const peer = await createPeer(base, 'ffvp9caller');
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const { id, mc, media } = await callBrowser(peer, {
      video: true,
      videoReceiveEnabled: false,
      audio: false,
      video_params: { codec: 'VP9', media_id: video.media_id, payload_type: 100 },
    });
    const ffmpeg = ffmpegVp9Sender(video.port, { width: 320, height: 180, payloadType: 100, seconds: 8 });
    senders.push(ffmpeg);
    await waitFor(() => media.frames.length >= 30, 20000, '30 VP9 frames from ffmpeg decoded by libwebrtc');
    assert.deepEqual(media.sizes(), ['320x180']);
    assert.deepEqual(await inboundCodecs(mc), ['video:video/VP9']);
    assert.equal((await call(base, 'GET', `/media/connections/${id}/status`)).body.transport.outboundDropped, 0);
    assert.equal(ffmpeg.stderr, '', 'ffmpeg reports no error');
    assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
  });
});
