import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import type { Page } from 'playwright-core';

import type { Gateway } from '../../src/Gateway.js';
import { launchChromium, type TestBrowser } from '../helpers/chromium.js';
import { opusSender, rtpbinVp8Sender, vp8Sender, type GstPipeline } from '../helpers/gstreamer.js';
import { h264Sender } from '../helpers/h264.js';
import { freeUdpPort } from '../helpers/media.js';
import { waitFor } from '../helpers/proc.js';
import { RtcpTap } from '../helpers/rtcp.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

// WHEP players nobody here wrote, of endpoints fed by GStreamer RTP at their media ports:
// headless Chromium running a page of plain RTCPeerConnection + fetch, served from another origin
// than the API (so the WHEP resource's CORS is what lets it play), and GStreamer's webrtcbin
// driven by a small Python program (test/helpers/whepPlayer.py).

/** The whole player: a recvonly offer with its candidates, POST, the answer; then decoded frames from getStats. */
const PLAYER_PAGE = `<!doctype html><title>WHEP player</title><script>
async function play(url, token, kinds) {
  const pc = window.pc = new RTCPeerConnection();
  for (const kind of kinds) pc.addTransceiver(kind, { direction: 'recvonly' });
  // Played in an element, as a player does (Chromium decodes audio only for a track that plays out).
  pc.ontrack = ({ track }) => { const el = document.createElement(track.kind); el.autoplay = el.muted = true; el.srcObject = new MediaStream([track]); document.body.append(el); };
  await pc.setLocalDescription(await pc.createOffer());
  for (let i = 0; i < 100 && pc.iceGatheringState !== 'complete'; i++) await new Promise((r) => setTimeout(r, 50));
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: 'Bearer ' + token }, body: pc.localDescription.sdp });
  if (res.status !== 201) return { status: res.status };
  const answer = await res.text();
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  return { status: res.status, location: new URL(res.headers.get('location'), url).href, answer };
}
async function decoded() {
  let frames = 0, codec = '', samples = 0, concealed = 0, audioCodec = '';
  const report = await pc.getStats();
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') { frames = s.framesDecoded || 0; codec = report.get(s.codecId)?.mimeType || ''; }
    if (s.type === 'inbound-rtp' && s.kind === 'audio') { samples = s.totalSamplesReceived || 0; concealed = s.concealedSamples || 0; audioCodec = report.get(s.codecId)?.mimeType || ''; }
  });
  return { frames, codec, samples, concealed, audioCodec };
}
async function stop(location, token) {
  const res = await fetch(location, { method: 'DELETE', headers: { authorization: 'Bearer ' + token } });
  pc.close();
  return res.status;
}
</script>`;

const PLAYER = join(import.meta.dirname, '..', 'helpers', 'whepPlayer.py');
const EXAMPLE_PLAYER = join(import.meta.dirname, '..', '..', 'examples', 'wish', 'whep-player.html');
/** Debian's Python: python3-gst-1.0 and python3-gi are installed for it, not for a python3 earlier on PATH (pyenv). */
const PYTHON = '/usr/bin/python3';

interface PlayerResult {
  status: number | null;
  frames: number;
  answer_direction: string | null;
  deleted: number | null;
  candidates: number;
  ice: string | null;
  error?: string;
}

/** test/helpers/whepPlayer.py plays `url` for `seconds` and reports. */
async function webrtcbinPlays(url: string, token: string, codec: 'VP8' | 'H264', seconds: number): Promise<PlayerResult> {
  const { stdout } = await promisify(execFile)(PYTHON, [PLAYER, url, token, codec, String(seconds)], { timeout: (seconds + 20) * 1000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as PlayerResult;
}

describe('WHEP players: headless Chromium from another origin and GStreamer webrtcbin', () => {
  let gateway: Gateway;
  let base: string;
  let chromium: TestBrowser;
  const pipelines: GstPipeline[] = [];
  const taps: RtcpTap[] = [];
  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
    chromium = await launchChromium();
  });
  after(async () => {
    await Promise.all(pipelines.map((p) => p.stop()));
    for (const t of taps) t.close();
    await chromium?.close();
    await gateway?.stop();
  });

  /** A media port fed by `feed(port)`, once RTP arrives there; its WHEP endpoint (more params in `extra`). */
  async function fedEndpoint(codec: 'VP8' | 'H264', payloadType: number, feed: (port: number) => GstPipeline, extra: Record<string, unknown> = {}) {
    const media = (await call(base, 'POST', '/media', { is_video: true })).body;
    pipelines.push(feed(media.port));
    await waitFor(async () => (await call(base, 'GET', `/media/${media.media_id}/status`)).body.packets >= 30, 15000, 'RTP at the media port');
    const { video_params: more, ...rest } = extra as { video_params?: Record<string, unknown> };
    const res = await call(base, 'POST', '/whep/endpoints', { video_params: { codec, media_id: media.media_id, payload_type: payloadType, ...more }, ...rest });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { endpoint_id: string; url: string; token: string };
  }

  async function chromiumPlays(url: string, token: string, kinds = ['video']): Promise<{ page: Page; location: string; answer: string }> {
    const page = await chromium.newPage(PLAYER_PAGE);
    assert.notEqual(new URL(page.url()).origin, new URL(url).origin, 'the page is of another origin than the API');
    const played = await page.evaluate(({ url, token, kinds }) => (window as any).play(url, token, kinds), { url, token, kinds });
    assert.equal(played.status, 201, JSON.stringify(played));
    return { page, location: played.location, answer: played.answer };
  }

  const framesIn = async (page: Page): Promise<{ frames: number; codec: string; samples: number; concealed: number; audioCodec: string }> =>
    page.evaluate(() => (window as any).decoded());

  it('Chromium plays VP8 whose keyframes come only on request: its PLI reaches rtpbin through redirect_params.video_rtcp; DELETE from the page ends the session', async () => {
    const rtcp = (await call(base, 'POST', '/media/rtcp', {})).body;
    const up = await RtcpTap.open();
    up.forwardTo = rtcp.port;
    const down = await RtcpTap.open();
    down.forwardTo = await freeUdpPort();
    taps.push(up, down);
    // The encoder's first keyframe goes out before any player exists; only a PLI brings another.
    const { endpoint_id: id, url, token } = await fedEndpoint(
      'VP8',
      96,
      (port) => rtpbinVp8Sender({ rtpPort: port, rtcpPort: up.port, rtcpListenPort: down.forwardTo!, width: 320, height: 240, payloadType: 96, seconds: 60, keyframeEvery: 100000 }),
      { video_params: { rtcp_id: rtcp.rtcp_id }, redirect_params: { video_rtcp: { ip_v4: '127.0.0.1', port: down.port } } },
    );
    await waitFor(() => up.of('SR').length > 0, 10000, "rtpbin's first sender report");
    const encoderSsrc = up.of('SR')[0]!.senderSsrc;

    const { page, location, answer } = await chromiumPlays(url, token);
    assert.match(answer, /^a=sendonly$/m);
    await waitFor(async () => (await framesIn(page)).frames >= 60, 20000, '60 frames decoded by Chromium');
    const { frames, codec } = await framesIn(page);
    assert.equal(codec, 'video/VP8');
    const plis = down.of('PLI');
    assert.ok(plis.length >= 1, 'a PLI from Chromium reached video_rtcp');
    for (const pli of plis) assert.equal(pli.mediaSsrc, encoderSsrc, "the PLI names the encoder's SSRC");
    console.log(`# Chromium VP8: ${frames} frames decoded, ${plis.length} PLI at video_rtcp`);

    const sessions = async () => (await call(base, 'GET', `/whep/endpoints/${id}`)).body.sessions.map((s: { state: string }) => s.state);
    assert.deepEqual(await sessions(), ['open']);
    assert.equal(await page.evaluate(({ location, token }) => (window as any).stop(location, token), { location, token }), 200, 'DELETE from the page (CORS)');
    assert.deepEqual(await sessions(), ['closed']);
    await page.close();
  });

  it('Chromium plays H264 from x264enc', async () => {
    const { url, token } = await fedEndpoint('H264', 100, (port) => h264Sender(port, { encoder: 'x264enc', width: 320, height: 240, payloadType: 100, seconds: 40 }));
    const { page, answer } = await chromiumPlays(url, token);
    assert.match(answer, /^a=rtpmap:\d+ H264\/90000$/m);
    await waitFor(async () => (await framesIn(page)).frames >= 60, 20000, '60 H264 frames decoded by Chromium');
    const { frames, codec } = await framesIn(page);
    assert.equal(codec, 'video/H264');
    console.log(`# Chromium H264: ${frames} frames decoded`);
    await page.close();
  });

  it('Chromium plays VP8 and Opus from one endpoint in one BUNDLEd session, beside the examples/wish player of the same endpoint', async () => {
    const audio = (await call(base, 'POST', '/media', { is_video: false })).body;
    pipelines.push(opusSender(audio.port, { payloadType: 111, seconds: 40 }));
    const { url, token } = await fedEndpoint('VP8', 96, (port) => vp8Sender(port, { width: 320, height: 240, payloadType: 96, seconds: 40 }), {
      audio_params: { codec: 'OPUS', media_id: audio.media_id, payload_type: 111 },
    });
    const { page, answer } = await chromiumPlays(url, token, ['audio', 'video']);
    // A second player of the same endpoint: the page the package ships (examples/wish), from another origin too.
    const example = await chromium.newPage(readFileSync(EXAMPLE_PLAYER, 'utf8'));
    await example.goto(`${example.url()}?${new URLSearchParams({ url, token })}`);
    assert.equal(answer.match(/^a=sendonly$/gm)?.length, 2, 'both sections answered sendonly');
    assert.match(answer, /^a=group:BUNDLE 0 1$/m);
    // 2 s of 48 kHz audio, mostly real (not concealment), and 60 frames.
    let last = {};
    await waitFor(async () => {
      const d = await framesIn(page);
      last = d;
      return d.frames >= 60 && d.samples - d.concealed >= 96000;
    }, 20000, '60 frames and 2 s of received Opus in Chromium').catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(last)}`); });
    const d = await framesIn(page);
    assert.equal(d.audioCodec, 'audio/opus');
    assert.ok(d.concealed < d.samples / 4, `little concealment: ${JSON.stringify(d)}`);
    await waitFor(async () => (await example.evaluate(() => (window as any).whep.framesDecoded)) >= 60, 20000, '60 frames in examples/wish/whep-player.html');
    const shipped = await example.evaluate(() => (window as any).whep);
    assert.equal(shipped.state, 'connected');
    assert.ok(shipped.audioPackets > 0, JSON.stringify(shipped));
    console.log(`# Chromium VP8 + Opus: ${d.frames} frames, ${d.samples} samples (${d.concealed} concealed); examples/wish player ${JSON.stringify(shipped)}`);
    await example.close();
    await page.close();
  });

  for (const codec of ['VP8', 'H264'] as const) {
    it(`GStreamer webrtcbin plays ${codec} and DELETEs its session`, async () => {
      const feed = codec === 'VP8'
        ? (port: number) => vp8Sender(port, { width: 320, height: 240, payloadType: 96, seconds: 40 })
        : (port: number) => h264Sender(port, { encoder: 'x264enc', width: 320, height: 240, payloadType: 100, seconds: 40 });
      const { endpoint_id: id, url, token } = await fedEndpoint(codec, codec === 'VP8' ? 96 : 100, feed);
      const result = await webrtcbinPlays(url, token, codec, 5);
      assert.equal(result.error, undefined, result.error);
      assert.equal(result.status, 201, JSON.stringify(result));
      assert.equal(result.answer_direction, 'sendonly');
      // 5 s of 30 fps, less ICE/DTLS setup and the wait for the next keyframe (one a second).
      assert.ok(result.frames >= 60, `webrtcbin decoded too few frames: ${JSON.stringify(result)}`);
      assert.equal(result.deleted, 200);
      console.log(`# webrtcbin ${codec}: ${result.frames} frames decoded in 5 s`);
      const sessions = (await call(base, 'GET', `/whep/endpoints/${id}`)).body.sessions;
      assert.deepEqual(sessions.map((s: { state: string }) => s.state), ['closed']);
    });
  }
});
