/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { parseIceServerUrl, type IceServerUrl } from '../../src/session/ice/IceServerUrl.js';
import { launchChromium } from '../helpers/chromium.js';
import { GstPipeline, opusReceiver, videoReceiver } from '../helpers/gstreamer.js';
import { fileSize, freeUdpPort } from '../helpers/media.js';
import { waitFor } from '../helpers/proc.js';
import { i420Bytes } from '../helpers/redirectedMedia.js';
import { call, startTestGateway } from '../helpers/testGateway.js';
import { bindableByAnotherProcess } from '../helpers/udp.js';
import { addHostInterfaceForLibnice, buildIgdStub, LIBNICE_HOST_ADDRESS, WhipClient } from '../helpers/whipClient.js';

// WHIP (RFC 9725) proven with clients nobody here wrote: Debian's simple-whip-client (GStreamer
// webrtcbin + libnice) and headless Chromium with a plain RTCPeerConnection + fetch. What they
// publish is decoded by GStreamer at the endpoint's redirect addresses.

const W = 320;
const H = 240;
const VIDEO_PT = 96;
const AUDIO_PT = 111;
/** 20 ms of 48 kHz stereo S16LE, what opusdec writes per Opus packet of whip-client's opusenc. */
const OPUS_PACKET_BYTES = 960 * 2 * 2;

const H264_PT = 102;

/** The WHIP publisher page the package ships: plain RTCPeerConnection + fetch, the codec by setCodecPreferences. */
const PUBLISHER_PAGE = join(import.meta.dirname, '..', '..', 'examples', 'wish', 'whip-publisher.html');

const VIDEO = `videotestsrc is-live=true pattern=ball ! video/x-raw,width=${W},height=${H},framerate=30/1 ! videoconvert ! queue ! vp8enc deadline=1 keyframe-max-dist=60 ! rtpvp8pay pt=${VIDEO_PT} ssrc=1 ! queue ! application/x-rtp,media=video,encoding-name=VP8,payload=${VIDEO_PT}`;
const AUDIO = `audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! queue ! opusenc ! rtpopuspay pt=${AUDIO_PT} ssrc=2 ! queue ! application/x-rtp,media=audio,encoding-name=OPUS,payload=${AUDIO_PT}`;

describe('WHIP with clients nobody here wrote', () => {
  let gateway: Gateway;
  let base: string;
  let dir: string;
  let libraryPath: string;
  const stops: (() => Promise<void> | void)[] = [];

  before(async () => {
    // A STUN server setting for -f: whip-client takes it from the Link headers (nothing need answer on loopback).
    stops.push(addHostInterfaceForLibnice());
    ({ gateway, base } = await startTestGateway({
      logLevel: 'warn',
      iceServers: [parseIceServerUrl('stun:127.0.0.1:3478') as IceServerUrl],
      mediaBindAddresses: ['127.0.0.1', LIBNICE_HOST_ADDRESS],
    }));
    dir = mkdtempSync(join(tmpdir(), 'wg-whip-clients-'));
    libraryPath = buildIgdStub(dir);
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop();
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An endpoint taking VP8 + Opus, GStreamer decoding both at its redirects. */
  async function endpointWithDecoders(name: string): Promise<{ id: string; url: string; token: string; videoFile: string; audioFile: string; receivers: GstPipeline[] }> {
    const videoPort = await freeUdpPort();
    const audioPort = await freeUdpPort();
    const videoFile = join(dir, `${name}.i420`);
    const audioFile = join(dir, `${name}.s16`);
    const receivers = [videoReceiver('VP8', videoPort, videoFile, { width: W, height: H, payloadType: VIDEO_PT }), opusReceiver(audioPort, audioFile, { payloadType: AUDIO_PT })];
    stops.push(...receivers.map((r) => () => r.stop()));
    const created = await call(base, 'POST', '/whip/endpoints', {
      video_params: { codec: 'VP8', payload_type: VIDEO_PT },
      audio_params: { codec: 'OPUS', payload_type: AUDIO_PT },
      redirect_params: { video: { ip_v4: '127.0.0.1', port: videoPort }, audio: { ip_v4: '127.0.0.1', port: audioPort } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return { id: created.body.endpoint_id, url: created.body.url, token: created.body.token, videoFile, audioFile, receivers };
  }

  /** Publishes with whip-client `flags`, asserts decoded VP8 frames and Opus packets, stops it and checks its session closed and its port freed. */
  async function publishWithWhipClient(name: string, flags: string[]): Promise<{ frames: number; opusPackets: number; session: any; log: string }> {
    const e = await endpointWithDecoders(name);
    const client = new WhipClient(['-u', e.url, '-t', e.token, '-V', VIDEO, '-A', AUDIO, ...flags], libraryPath);
    stops.push(() => client.stop());
    const frameBytes = i420Bytes(W, H);
    try {
      await waitFor(
        async () => {
          // A recorder joining a running stream asks for a keyframe (our POST …/pli) while none decoded.
          if (fileSize(e.videoFile) < frameBytes) await call(base, 'POST', `/whip/endpoints/${e.id}/pli`, {});
          return fileSize(e.videoFile) >= 60 * frameBytes && fileSize(e.audioFile) >= 50 * OPUS_PACKET_BYTES;
        },
        25_000,
        `${name}: 60 VP8 frames and 50 Opus packets decoded`,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; video ${fileSize(e.videoFile)} B, audio ${fileSize(e.audioFile)} B; whip-client said:\n${client.log.slice(-12000)}`);
    }
    const shown = await call(base, 'GET', `/whip/endpoints/${e.id}`);
    const sessionId = shown.body.sessions[0].session_id;
    const session = (await call(base, 'GET', `/whip/endpoints/${e.id}/sessions/${sessionId}/status`)).body;
    assert.equal(session.state, 'open');
    const local: { address: string; port: number } = session.selected_candidate_pair.local;
    assert.equal(local.address, LIBNICE_HOST_ADDRESS, JSON.stringify(session.selected_candidate_pair));
    assert.equal(await bindableByAnotherProcess(local.port, local.address), false, 'the session holds its port');

    await client.stop();
    await waitFor(async () => (await call(base, 'GET', `/whip/endpoints/${e.id}`)).body.sessions[0].state === 'closed', 5000, `${name}: the session closed on SIGINT`);
    const closed = (await call(base, 'GET', `/whip/endpoints/${e.id}`)).body.sessions[0];
    assert.match(closed.close_reason, /publisher deleted the session/, `whip-client sent DELETE: ${JSON.stringify(closed)}`);
    assert.equal(await bindableByAnotherProcess(local.port, local.address), true, 'DELETE freed the port');
    const result = { frames: Math.floor(fileSize(e.videoFile) / frameBytes), opusPackets: Math.floor(fileSize(e.audioFile) / OPUS_PACKET_BYTES), session, log: client.log };
    console.log(`${name}: ${result.frames} VP8 frames, ${result.opusPackets} Opus packets decoded; remote candidates ${session.remote_candidates.length}`);
    await Promise.all(e.receivers.map((r) => r.stop()));
    assert.equal((await call(base, 'DELETE', `/whip/endpoints/${e.id}`)).status, 204);
    return result;
  }

  it('whip-client with trickle ICE (PATCH): VP8 and Opus decoded at the redirects; SIGINT deletes the session', async () => {
    const { session } = await publishWithWhipClient('trickle', []);
    // The offer of webrtcbin with trickle carries no candidates: all came by PATCH, end-of-candidates too.
    assert.ok(session.remote_candidates.length >= 1, JSON.stringify(session));
    assert.equal(session.end_of_candidates, true, 'a PATCH said a=end-of-candidates');
  });

  it('whip-client without trickle (-n): candidates in the offer', async () => {
    const { session } = await publishWithWhipClient('no-trickle', ['-n']);
    assert.ok(session.remote_candidates.length >= 1);
    assert.equal(session.end_of_candidates, false, 'no PATCH came');
  });

  it('whip-client following Link headers (-f): it reads the STUN server from OPTIONS and publishes', async () => {
    const { log } = await publishWithWhipClient('follow-link', ['-f']);
    assert.match(log, /<stun:127\.0\.0\.1:3478>; rel="ice-server"/, 'whip-client read our Link header');
    assert.match(log, /stun-server=stun:\/\/127\.0\.0\.1:3478/, 'and configured webrtcbin with it');
  });

  it('whip-client with a wrong token: 401, it gives up', async () => {
    const e = await endpointWithDecoders('wrong-token');
    const client = new WhipClient(['-u', e.url, '-t', `${e.token}x`, '-V', VIDEO, '-n'], libraryPath);
    stops.push(() => client.stop());
    const code = await client.exitCode(15_000);
    // whip-client reports the refusal and gives up, but exits 0 all the same (its own choice).
    assert.notEqual(code, undefined, `still running after 15 s: ${client.log.slice(-2000)}`);
    assert.match(client.log, /\[401\] Unauthorized/);
    assert.deepEqual((await call(base, 'GET', `/whip/endpoints/${e.id}`)).body.sessions, []);
    await call(base, 'DELETE', `/whip/endpoints/${e.id}`);
  });

  it('headless Chromium publishes its fake camera in H.264 with examples/wish/whip-publisher.html from another origin (CORS); GStreamer decodes it at the redirect', async () => {
    const port = await freeUdpPort();
    const file = join(dir, 'chromium.i420');
    // Chromium's camera size is its own choice: scaled to a fixed size so frames can be counted.
    const receiver = new GstPipeline(
      `udpsrc address=127.0.0.1 port=${port} caps=application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=${H264_PT} ` +
        `! rtpjitterbuffer latency=50 ! rtph264depay ! h264parse ! avdec_h264 ! videoconvert ! videoscale ! video/x-raw,format=I420,width=${W},height=${H} ! filesink location=${file}`,
    );
    stops.push(() => receiver.stop());
    const created = await call(base, 'POST', '/whip/endpoints', { video_params: { codec: 'H264', payload_type: H264_PT }, redirect_params: { video: { ip_v4: '127.0.0.1', port } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { endpoint_id: id, url, token } = created.body;

    const chromium = await launchChromium();
    stops.push(() => chromium.close());
    const page = await chromium.newPage(readFileSync(PUBLISHER_PAGE, 'utf8'));
    assert.notEqual(new URL(page.url()).origin, new URL(base).origin, 'the page is of another origin than the API');
    await page.goto(`${page.url()}?${new URLSearchParams({ url, token, codec: 'H264' })}`);
    const whip = (): Promise<{ state: string; error?: string; session?: string; etag?: string; deleted?: number }> => page.evaluate(() => (window as any).whip);
    await waitFor(async () => (await whip()).session !== undefined || (await whip()).state === 'failed', 15_000, 'the page POSTed its offer');
    const published = await whip();
    assert.equal(published.error, undefined, JSON.stringify(published));
    assert.match(new URL(published.session!).pathname, /^\/whip\/wi-.*\/sessions\/ws-/, 'Location is exposed to the page (CORS)');
    assert.match(published.etag ?? '', /^"[0-9a-f]+"$/, 'ETag is exposed to the page (CORS)');

    const frameBytes = i420Bytes(W, H);
    try {
      await waitFor(
        async () => {
          if (fileSize(file) < frameBytes) await call(base, 'POST', `/whip/endpoints/${id}/pli`, {});
          return fileSize(file) >= 60 * frameBytes;
        },
        25_000,
        '60 H.264 frames decoded',
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}: ${fileSize(file)} B, page ${JSON.stringify(await whip())}`);
    }
    console.log(`chromium: ${Math.floor(fileSize(file) / frameBytes)} H.264 frames decoded`);

    // The page ends its session: DELETE from another origin passes the CORS preflight.
    await page.click('#stop');
    await waitFor(async () => (await whip()).deleted !== undefined, 10_000, 'the page DELETEd its session');
    assert.equal((await whip()).deleted, 200);
    const shown = await call(base, 'GET', `/whip/endpoints/${id}`);
    assert.equal(shown.body.sessions[0].state, 'closed');
    await receiver.stop();
    await call(base, 'DELETE', `/whip/endpoints/${id}`);
  });
});
