import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { createPeer } from '../helpers/dataPath.js';
import { startGatewayProcess, type RunningGateway } from '../helpers/gatewayProcesses.js';
import { GstPipeline, opusReceiver, opusSender, videoReceiver, vp8Sender } from '../helpers/gstreamer.js';
import { fileSize, freeUdpPort, mediaEvents, peerEvent } from '../helpers/media.js';
import { TRANSPORT_STATUS_FIELDS } from '../helpers/mediaStatusFields.js';
import { waitFor } from '../helpers/proc.js';
import { i420Bytes, waitForDecodedFrames } from '../helpers/redirectedMedia.js';
import { call } from '../helpers/testGateway.js';

// Each direction has its own picture size, so a frame decoded at one end can only have come from
// the other end's sender (a receiver's caps filter stops it on a frame of any other size).
const A_TO_B = { width: 320, height: 240 };
const B_TO_A = { width: 176, height: 144 };
const FRAMES = 30;

describe('MediaConnections between two gateway processes: GStreamer at both ends, VP8 both ways and Opus one way', () => {
  let a: RunningGateway;
  let b: RunningGateway;
  let dir: string;
  const pipelines: GstPipeline[] = [];
  before(async () => {
    // Ranges of their own (20 ports each), away from the in-process gateways' 20000-49999 slices.
    const start = 50100 + (process.pid % 200) * 40;
    a = await startGatewayProcess({ portMin: start, portMax: start + 19 });
    // B has no signaling server of its own: its peers meet A's on A's embedded server.
    b = await startGatewayProcess({ portMin: start + 20, portMax: start + 39, signalingUrl: a.signalingUrl });
    dir = mkdtempSync(join(tmpdir(), 'wg-g2g-'));
  });
  after(async () => {
    await Promise.all(pipelines.map((p) => p.stop()));
    await Promise.all([a?.stop(), b?.stop()].map((p) => p?.catch(() => undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('A calls B, B answers: each side decodes the other side\'s frames, B plays A\'s audio, and a DELETE on A closes B', async () => {
    const peerA = await createPeer(a.api, 'gwa');
    const peerB = await createPeer(b.api, 'gwb');
    const videoA = (await call(a.api, 'POST', '/media', { is_video: true })).body;
    const audioA = (await call(a.api, 'POST', '/media', { is_video: false })).body;
    const videoB = (await call(b.api, 'POST', '/media', { is_video: true })).body;
    assert.match(videoA.media_id, /^vi-/);
    assert.match(audioA.media_id, /^au-/);
    assert.match(videoB.media_id, /^vi-/);

    // The receivers listen before anything is sent, on each side's redirect address.
    const fileAtA = join(dir, 'at-a.i420');
    const fileAtB = join(dir, 'at-b.i420');
    const audioAtB = join(dir, 'at-b.s16');
    const redirectA = await freeUdpPort();
    const redirectB = await freeUdpPort();
    const audioRedirectB = await freeUdpPort();
    // Payload types differ per side: each gateway rewrites what it redirects to its own user's.
    pipelines.push(videoReceiver('VP8', redirectA, fileAtA, { ...B_TO_A, payloadType: 96 }));
    pipelines.push(videoReceiver('VP8', redirectB, fileAtB, { ...A_TO_B, payloadType: 100 }));
    pipelines.push(opusReceiver(audioRedirectB, audioAtB, { payloadType: 110 }));

    const called = await call(a.api, 'POST', '/media/connections', {
      peer_id: peerA.id,
      token: peerA.token,
      target_id: peerB.id,
      constraints: {
        video: true,
        videoReceiveEnabled: true,
        audio: true,
        audioReceiveEnabled: false,
        video_params: { band_width: 1500, codec: 'VP8', media_id: videoA.media_id, payload_type: 96 },
        audio_params: { band_width: 64, codec: 'OPUS', media_id: audioA.media_id, payload_type: 111 },
        metadata: { from: 'gateway A' },
      },
      redirect_params: { video: { ip_v4: '127.0.0.1', port: redirectA } },
    });
    assert.equal(called.status, 202, JSON.stringify(called.body));
    const idA = called.body.params.media_connection_id;

    const callEvent = await peerEvent(peerB, 'CALL');
    const idB = callEvent.call_params.media_connection_id;
    assert.match(idB, /^mc-/);
    const offered = (await call(b.api, 'GET', `/media/connections/${idB}/status`)).body;
    assert.deepEqual({ remote_id: offered.remote_id, metadata: offered.metadata, open: offered.open }, { remote_id: peerA.id, metadata: { from: 'gateway A' }, open: false });
    const answered = await call(b.api, 'POST', `/media/connections/${idB}/answer`, {
      constraints: {
        video: true,
        videoReceiveEnabled: true,
        audio: false,
        audioReceiveEnabled: true,
        video_params: { codec: 'VP8', media_id: videoB.media_id, payload_type: 100 },
        audio_params: { codec: 'OPUS', payload_type: 110 },
      },
      redirect_params: { video: { ip_v4: '127.0.0.1', port: redirectB }, audio: { ip_v4: '127.0.0.1', port: audioRedirectB } },
    });
    assert.equal(answered.status, 202, JSON.stringify(answered.body));
    assert.deepEqual(answered.body.params, { video_id: videoB.media_id });

    assert.deepEqual(await mediaEvents(a.api, idA, 'STREAM'), ['READY', 'STREAM']);
    assert.deepEqual(await mediaEvents(b.api, idB, 'STREAM'), ['READY', 'STREAM']);

    const statusA = (await call(a.api, 'GET', `/media/connections/${idA}/status`)).body;
    const statusB = (await call(b.api, 'GET', `/media/connections/${idB}/status`)).body;
    const sides = (s: any) => s.negotiated.map((m: any) => `${m.media}:${m.codec}:${m.send ? 'send' : ''}${m.receive ? 'recv' : ''}`).sort();
    assert.deepEqual(sides(statusA), ['audio:OPUS:send', 'video:VP8:sendrecv']);
    assert.deepEqual(sides(statusB), ['audio:OPUS:recv', 'video:VP8:sendrecv']);
    assert.equal(statusA.transport.connected, true);
    assert.equal(statusB.transport.connected, true);
    // The REST shape of `transport` is a fixed list, whatever counters the native side adds.
    assert.deepEqual(Object.keys(statusA.transport), TRANSPORT_STATUS_FIELDS);
    assert.deepEqual(Object.keys(statusB.transport), TRANSPORT_STATUS_FIELDS);
    // The pair ICE selected, in the field a DataConnection's status has too: host to host on loopback.
    for (const [status, other] of [
      [statusA, statusB],
      [statusB, statusA],
    ]) {
      const pair = status.selected_candidate_pair;
      assert.deepEqual(pair.local, { type: 'host', protocol: 'udp', address: status.transport.selectedLocal.ip, port: status.transport.selectedLocal.port });
      assert.equal(pair.local.address, '127.0.0.1');
      assert.equal(pair.remote.type === 'host' || pair.remote.type === 'prflx', true, pair.remote.type);
      assert.equal(pair.remote.port, other.selected_candidate_pair.local.port, "the remote is the other side's local candidate");
    }

    pipelines.push(vp8Sender(videoA.port, { ...A_TO_B, payloadType: 96, seconds: 10 }));
    pipelines.push(vp8Sender(videoB.port, { ...B_TO_A, payloadType: 100, seconds: 10 }));
    pipelines.push(opusSender(audioA.port, { payloadType: 111, seconds: 10 }));

    const atB = i420Bytes(A_TO_B.width, A_TO_B.height);
    const atA = i420Bytes(B_TO_A.width, B_TO_A.height);
    const [plisB, plisA] = await Promise.all([
      waitForDecodedFrames({ base: b.api, connectionId: idB, file: fileAtB, frameBytes: atB, frames: FRAMES, timeoutMs: 20000, what: 'A to B, 320x240' }),
      waitForDecodedFrames({ base: a.api, connectionId: idA, file: fileAtA, frameBytes: atA, frames: FRAMES, timeoutMs: 20000, what: 'B to A, 176x144' }),
    ]);
    // 1 s of 48 kHz 16-bit stereo.
    await waitFor(() => fileSize(audioAtB) >= 48000 * 4, 20000, "1 s of A's audio decoded at B");
    assert.ok(plisA <= 10 && plisB <= 10, `frames after ${plisA} and ${plisB} PLIs`);

    const afterA = (await call(a.api, 'GET', `/media/connections/${idA}/status`)).body.transport;
    const afterB = (await call(b.api, 'GET', `/media/connections/${idB}/status`)).body.transport;
    assert.ok(afterA.videoSent > 0 && afterA.audioSent > 0 && afterA.videoReceived > 0, JSON.stringify(afterA));
    assert.ok(afterB.videoSent > 0 && afterB.videoReceived > 0 && afterB.audioReceived > 0, JSON.stringify(afterB));
    assert.equal(afterA.audioReceived, 0, 'A did not ask for audio');
    assert.equal(afterB.audioSent, 0, 'B sends no audio');
    for (const t of [afterA, afterB]) {
      assert.equal(t.outboundDropped, 0, JSON.stringify(t));
      assert.equal(t.droppedMalformedMedia, 0, JSON.stringify(t));
      assert.equal(t.droppedSrtpAuth, 0, JSON.stringify(t));
    }

    // Whole frames, each exactly of its direction's size (checked again now that writing stopped).
    for (const p of pipelines.splice(0, 3)) await p.stop();
    assert.equal(fileSize(fileAtB) % atB, 0, 'whole 320x240 I420 frames at B');
    assert.equal(fileSize(fileAtA) % atA, 0, 'whole 176x144 I420 frames at A');
    assert.equal(fileSize(audioAtB) % 4, 0, 'whole stereo samples at B');

    // A hangs up: B sees the DTLS close_notify and closes too; ports only the call used are freed.
    assert.equal((await call(a.api, 'DELETE', `/media/connections/${idA}`)).status, 204);
    assert.ok((await mediaEvents(b.api, idB, 'CLOSE')).includes('CLOSE'), 'B sees the hang-up');
    assert.equal((await call(b.api, 'GET', `/media/connections/${idB}/status`)).body.open, false);
    assert.equal((await call(a.api, 'GET', `/media/${videoA.media_id}/status`)).status, 404, "A's video port is freed");
    assert.equal((await call(a.api, 'GET', `/media/${audioA.media_id}/status`)).status, 404, "A's audio port is freed");
    await waitFor(async () => (await call(b.api, 'GET', `/media/${videoB.media_id}/status`)).status === 404, 5000, "B's video port freed");

    // Both processes are still up and stop cleanly.
    assert.equal(a.process.child.exitCode, null);
    assert.equal(b.process.child.exitCode, null);
    assert.equal(await a.stop(), 0);
    assert.equal(await b.stop(), 0);
    assert.deepEqual(
      [...a.process.logs, ...b.process.logs].filter((l) => l.level === 'error' || l.level === 'fatal').map((l) => l.msg),
      [],
      'no error logged by either gateway',
    );
  });
});
