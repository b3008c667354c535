import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer, openDataPort, type RestPeer } from '../helpers/dataPath.js';
import { peerEvent } from '../helpers/media.js';
import { assertSkywayError } from '../helpers/skywayError.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

const DC = 'dc-00000000-0000-4000-8000-000000000000';
const MC = 'mc-00000000-0000-4000-8000-000000000000';

/**
 * The command_type of each endpoint's error body, as the examples of the SkyWay api.yaml (0.4.3)
 * name them (the line of each example in that file is given), with a request that fails.
 */
const ERRORS: [method: string, path: string, body: unknown, status: number, commandType: string][] = [
  ['POST', '/peers', {}, 400, 'PEERS_CREATE'], // api.yaml 58
  ['DELETE', '/peers/nobody?token=t', undefined, 404, 'PEERS_DELETE'], // 115
  ['PUT', '/peers/nobody/credential?token=t', {}, 404, 'PEERS_CREDENTIAL_UPDATE'], // 191
  ['GET', '/peers/nobody/events?token=t', undefined, 404, 'PEERS_EVENTS'], // 247
  ['GET', '/peers/nobody/status?token=t', undefined, 404, 'PEERS_STATUS'], // 309
  ['POST', '/data', [], 400, 'DATA_CREATE'], // 368
  ['DELETE', '/data/da-nope', undefined, 404, 'DATA_DELETE'], // 416
  ['POST', '/data/connections', {}, 400, 'DATA_CONNECTION_CREATE'], // 473
  ['DELETE', `/data/connections/${DC}`, undefined, 404, 'DATA_CONNECTION_DELETE'], // 527
  // api.yaml 593 says DATA_CONNECTION_DELETE here, a copy of the DELETE's example: the PUT keeps its own name.
  ['PUT', `/data/connections/${DC}`, {}, 404, 'DATA_CONNECTION_PUT'],
  ['GET', `/data/connections/${DC}/events`, undefined, 404, 'DATA_CONNECTION_EVENTS'], // 647
  ['GET', `/data/connections/${DC}/status`, undefined, 404, 'DATA_CONNECTION_STATUS'], // 700
  ['POST', '/media', {}, 400, 'MEDIA_CREATE'], // 758
  ['DELETE', '/media/vi-nope', undefined, 404, 'MEDIA_DELETE'], // 806
  ['POST', '/media/rtcp', [], 400, 'RTCP_CREATE'], // 862
  ['DELETE', '/media/rtcp/rc-nope', undefined, 404, 'RTCP_DELETE'], // 911
  ['POST', '/media/connections', {}, 400, 'MEDIA_CONNECTION_CREATE'], // 968
  ['DELETE', `/media/connections/${MC}`, undefined, 404, 'MEDIA_CONNECTION_DELETE'], // 1022
  ['POST', `/media/connections/${MC}/answer`, { constraints: { video: false, audio: false } }, 404, 'MEDIA_CONNECTION_ANSWER'], // 1084
  ['POST', `/media/connections/${MC}/pli`, { ip_v4: '127.0.0.1', port: 1 }, 404, 'MEDIA_CONNECTION_PLI'], // 1147
  ['GET', `/media/connections/${MC}/events`, undefined, 404, 'MEDIA_CONNECTION_EVENTS'], // 1201
  ['GET', `/media/connections/${MC}/status`, undefined, 404, 'MEDIA_CONNECTION_STATUS'], // 1255
];

describe('the REST contract of the SkyWay api.yaml', () => {
  let gateway: Gateway;
  let base: string;
  let a: RestPeer;
  let b: RestPeer;
  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
    a = await createPeer(base, 'contract-a');
    b = await createPeer(base, 'contract-b');
  });
  after(() => gateway.stop());

  for (const [method, path, body, status, commandType] of ERRORS) {
    it(`${method} ${path.replace(/\?.*/, '')} fails with command_type ${commandType}`, async () => {
      const res = await call(base, method, path, body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assertSkywayError(res.body, commandType);
    });
  }

  it('a wrong method on POST /data/connections and POST /media/connections names the create commands too', async () => {
    assertSkywayError((await call(base, 'GET', '/data/connections')).body, 'DATA_CONNECTION_CREATE');
    assertSkywayError((await call(base, 'GET', '/media/connections')).body, 'MEDIA_CONNECTION_CREATE');
  });

  it('POST /data/connections answers PeerConnectResponse: PEERS_CONNECT with data_connection_id and data_port', async () => {
    const port = await openDataPort(base);
    const fed = await call(base, 'POST', '/data/connections', { peer_id: a.id, token: a.token, target_id: b.id, params: { data_id: port.data_id } });
    assert.equal(fed.status, 202);
    assert.equal(fed.body.command_type, 'PEERS_CONNECT');
    assert.match(fed.body.params.data_connection_id, /^dc-/);
    assert.equal(fed.body.params.data_port, port.port, 'the number of the port that feeds it');
    const unfed = await call(base, 'POST', '/data/connections', { peer_id: a.id, token: a.token, target_id: b.id });
    assert.equal(unfed.status, 202);
    assert.deepEqual(Object.keys(unfed.body.params).sort(), ['data_connection_id', 'data_port']);
    assert.equal(unfed.body.params.data_port, null, 'no port feeds it yet');
    const put = await call(base, 'PUT', `/data/connections/${unfed.body.params.data_connection_id}`, {
      redirect_params: { ip_v4: '127.0.0.1', port: 9 },
    });
    assert.deepEqual(put.body, { command_type: 'DATA_CONNECTION_PUT' }, 'data_id is a string in api.yaml: absent, never null');
    for (const res of [fed, unfed]) await call(base, 'DELETE', `/data/connections/${res.body.params.data_connection_id}`);
  });

  it('POST /media/connections answers PEERS_CALL; the answer MEDIA_CONNECTION_ANSWER names only the ids it has, never null', async () => {
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const placed = await call(base, 'POST', '/media/connections', {
      peer_id: a.id,
      token: a.token,
      target_id: b.id,
      constraints: { video: true, audio: false, video_params: { codec: 'VP8', media_id: video.media_id } },
    });
    assert.equal(placed.status, 202);
    assert.equal(placed.body.command_type, 'PEERS_CALL');
    assert.match(placed.body.params.media_connection_id, /^mc-/);
    const incoming = (await peerEvent(b, 'CALL')).call_params.media_connection_id;
    const answer = await call(base, 'POST', `/media/connections/${incoming}/answer`, {
      constraints: { video: false, videoReceiveEnabled: true, audio: false },
    });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { command_type: 'MEDIA_CONNECTION_ANSWER', params: {} });
    for (const id of [placed.body.params.media_connection_id, incoming]) await call(base, 'DELETE', `/media/connections/${id}`);
  });
});

describe('MediaConnection events in the shapes of api.yaml (MediaConnectionEventMessage)', () => {
  let gateway: Gateway;
  let base: string;
  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
  });
  after(() => gateway.stop());

  /** The events of a media connection up to and including the `count`-th `wanted`. */
  async function eventsUntil(id: string, wanted: string, count = 1): Promise<any[]> {
    const seen: any[] = [];
    for (let i = 0; i < 8 && seen.filter((e) => e.event === wanted).length < count; i++) {
      const res = await call(base, 'GET', `/media/connections/${id}/events`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      seen.push(res.body);
    }
    return seen;
  }

  it('STREAM, once per stream (video first), carries stream_options; CLOSE carries close_options', async () => {
    const a = await createPeer(base, 'events-a');
    const b = await createPeer(base, 'events-b');
    const port = async (is_video: boolean) => (await call(base, 'POST', '/media', { is_video })).body;
    const [videoA, audioA, videoB] = [await port(true), await port(false), await port(true)];
    // A sends video and audio and receives video; B sends video and receives both.
    const placed = await call(base, 'POST', '/media/connections', {
      peer_id: a.id,
      token: a.token,
      target_id: b.id,
      constraints: {
        video: true,
        audio: true,
        audioReceiveEnabled: false,
        video_params: { codec: 'VP8', media_id: videoA.media_id },
        audio_params: { codec: 'OPUS', media_id: audioA.media_id },
      },
    });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    const idA = placed.body.params.media_connection_id;
    const idB = (await peerEvent(b, 'CALL')).call_params.media_connection_id;
    const answer = await call(base, 'POST', `/media/connections/${idB}/answer`, {
      constraints: { video: true, audio: false, audioReceiveEnabled: true, video_params: { codec: 'VP8', media_id: videoB.media_id } },
    });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));

    const streamsOf = async (id: string) => (await eventsUntil(id, 'STREAM', 2)).filter((e) => e.event === 'STREAM');
    const [streamsA, streamsB] = [await streamsOf(idA), await streamsOf(idB)];
    for (const e of [...streamsA, ...streamsB]) assert.deepEqual(Object.keys(e).sort(), ['event', 'stream_options']);
    const [videoAtA, audioAtA] = streamsA.map((e) => e.stream_options);
    const [videoAtB, audioAtB] = streamsB.map((e) => e.stream_options);
    assert.deepEqual(
      { ...videoAtA, stream_id: undefined },
      { is_video: true, media_connection_id: idA, stream_id: undefined, stream_params: { media_id: videoA.media_id, port: videoA.port, ip_v4: '127.0.0.1' } },
    );
    assert.deepEqual(
      { ...audioAtA, stream_id: undefined },
      { is_video: false, media_connection_id: idA, stream_id: undefined, stream_params: { media_id: audioA.media_id, port: audioA.port, ip_v4: '127.0.0.1' } },
    );
    assert.deepEqual({ ...videoAtB, stream_id: undefined }, {
      is_video: true,
      media_connection_id: idB,
      stream_id: undefined,
      stream_params: { media_id: videoB.media_id, port: videoB.port, ip_v4: '127.0.0.1' },
    });
    assert.deepEqual(audioAtB, { is_video: false, media_connection_id: idB, stream_id: audioAtB.stream_id }, 'B sends no audio: no stream_params');
    // A stream received is named by the sender's MediaStream; one only sent, by ours.
    for (const s of [videoAtA, audioAtA, videoAtB, audioAtB]) assert.match(s.stream_id, /^\S+$/);
    assert.equal(videoAtB.stream_id, audioAtB.stream_id, "B receives both in A's stream");
    assert.equal(audioAtA.stream_id, videoAtB.stream_id, "A's audio goes out in that stream");
    assert.notEqual(videoAtA.stream_id, audioAtA.stream_id, "A receives video in B's stream");

    assert.equal((await call(base, 'DELETE', `/media/connections/${idA}`)).status, 204);
    const closing = await eventsUntil(idB, 'CLOSE');
    assert.deepEqual(closing.at(-1), { event: 'CLOSE', close_options: { reason: 'the remote closed the connection' } });
  });

  it('CLOSE after an ERROR gives the error as its reason', async () => {
    const a = await createPeer(base, 'events-lonely');
    const placed = await call(base, 'POST', '/media/connections', {
      peer_id: a.id,
      token: a.token,
      target_id: 'nobody-here',
      constraints: { video: false, videoReceiveEnabled: true, audio: false },
    });
    const events = await eventsUntil(placed.body.params.media_connection_id, 'CLOSE');
    const error = events.find((e) => e.event === 'ERROR');
    assert.deepEqual(events.at(-1), { event: 'CLOSE', close_options: { reason: error.error_message } });
  });
});
