import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { rtpPacket } from '../helpers/badPackets.js';
import { createPeer, openDataPath, openDataPort, UdpEndpoint, waitForEvent, type RestPeer } from '../helpers/dataPath.js';
import { mediaEvents, peerEvent } from '../helpers/media.js';
import { waitFor } from '../helpers/proc.js';
import { call, startTestGateway } from '../helpers/testGateway.js';
import { sendDatagrams } from '../helpers/udp.js';

// The suite's namespace has nothing but a loopback interface: no route to 10.0.0.0/8, and
// 127.255.255.255 is lo's broadcast address (a socket must have SO_BROADCAST to send to it).
const UNROUTABLE = '10.255.0.1';
const BROADCAST = '127.255.255.255';
const PACKETS = 40;
const VIDEO_PT = 96;
const AUDIO_PT = 111;

/** Counts the datagrams arriving on 127.0.0.1, or on any address (which broadcasts need). */
class Receiver {
  datagrams = 0;
  private constructor(private readonly socket: Socket) {
    socket.on('message', () => this.datagrams++);
  }
  static async open(address = '127.0.0.1'): Promise<Receiver> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
    return new Receiver(socket);
  }
  get port(): number {
    return this.socket.address().port;
  }
  close(): void {
    this.socket.close();
  }
}

const rtp = (payloadType: number, ssrc: number): Buffer[] =>
  Array.from({ length: PACKETS }, (_, i) => rtpPacket({ payloadType, ssrc, seq: 1000 + i, timestamp: i * 3000, payloadBytes: 200 }));

describe('Redirect sends: counted as the kernel answered them, and a broadcast target is not refused by the sockets', () => {
  let gateway: Gateway;
  let base: string;
  let peers = 0;
  const receivers: Receiver[] = [];
  const udps: UdpEndpoint[] = [];
  const peer = (): Promise<RestPeer> => createPeer(base, `redirect${++peers}`);
  const receiver = async (address?: string): Promise<Receiver> => {
    const r = await Receiver.open(address);
    receivers.push(r);
    return r;
  };
  const transport = async (id: string): Promise<Record<string, number>> => (await call(base, 'GET', `/media/connections/${id}/status`)).body.transport;

  before(async () => {
    // Outside it, the "unroutable" address may have a route and the datagrams would leave the machine.
    assert.equal(process.env.WG_E2E_ISOLATED, '1', 'run through test/run.js, which puts test/e2e files in a loopback-only namespace');
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
  });
  after(async () => {
    for (const r of receivers) r.close();
    for (const u of udps) u.close();
    await gateway?.stop();
  });

  /**
   * Two peers of the gateway: the caller sends video and audio from its media ports, the callee
   * receives both and redirects them as `redirects` says. Sends PACKETS RTP packets of each
   * kind into the caller's ports and resolves, with the callee's connection id, once the
   * callee's transport has accounted for every packet it received.
   */
  async function mediaThrough(redirects: { video: { ip_v4: string; port: number }; audio: { ip_v4: string; port: number } }): Promise<string> {
    const caller = await peer();
    const callee = await peer();
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const audio = (await call(base, 'POST', '/media', { is_video: false })).body;
    const called = await call(base, 'POST', '/media/connections', {
      peer_id: caller.id,
      token: caller.token,
      target_id: callee.id,
      constraints: {
        video: true,
        videoReceiveEnabled: false,
        audio: true,
        audioReceiveEnabled: false,
        video_params: { codec: 'VP8', media_id: video.media_id, payload_type: VIDEO_PT },
        audio_params: { codec: 'OPUS', media_id: audio.media_id, payload_type: AUDIO_PT },
      },
    });
    assert.equal(called.status, 202, JSON.stringify(called.body));
    const callerId = called.body.params.media_connection_id as string;
    const calleeId = (await peerEvent(callee, 'CALL')).call_params.media_connection_id as string;
    const answered = await call(base, 'POST', `/media/connections/${calleeId}/answer`, {
      constraints: {
        video: false,
        videoReceiveEnabled: true,
        audio: false,
        audioReceiveEnabled: true,
        video_params: { codec: 'VP8', payload_type: VIDEO_PT },
        audio_params: { codec: 'OPUS', payload_type: AUDIO_PT },
      },
      redirect_params: redirects,
    });
    assert.equal(answered.status, 202, JSON.stringify(answered.body));
    assert.deepEqual(await mediaEvents(base, callerId, 'STREAM'), ['READY', 'STREAM']);
    assert.deepEqual(await mediaEvents(base, calleeId, 'STREAM'), ['READY', 'STREAM']);

    await sendDatagrams(video.port, rtp(VIDEO_PT, 0x1111));
    await sendDatagrams(audio.port, rtp(AUDIO_PT, 0x2222));
    await waitFor(
      async () => {
        const t = await transport(calleeId);
        return t.videoReceived === PACKETS && t.audioReceived === PACKETS;
      },
      10000,
      `the callee to receive ${PACKETS} video and ${PACKETS} audio packets`,
    );
    // Redirects are counted when they leave, at the end of the I/O thread's loop iteration.
    await waitFor(
      async () => {
        const t = await transport(calleeId);
        return (t.redirected ?? 0) + (t.redirectDropped ?? 0) === 2 * PACKETS;
      },
      5000,
      'every redirect accounted for',
    );
    return calleeId;
  }

  it('a redirect with no route counts every packet in redirectDropped; redirected counts only what arrived elsewhere', async () => {
    const audioAt = await receiver();
    const id = await mediaThrough({ video: { ip_v4: UNROUTABLE, port: 5004 }, audio: { ip_v4: '127.0.0.1', port: audioAt.port } });
    await waitFor(() => audioAt.datagrams === PACKETS, 5000, `${PACKETS} audio packets at the audio redirect`);
    const t = await transport(id);
    assert.equal(t.redirectDropped, PACKETS, `the video the kernel refused (ENETUNREACH): ${JSON.stringify(t)}`);
    assert.equal(t.redirected, audioAt.datagrams, `only the audio was delivered: ${JSON.stringify(t)}`);
  });

  it('reachable redirects count every packet in redirected and none in redirectDropped', async () => {
    const videoAt = await receiver();
    const audioAt = await receiver();
    const id = await mediaThrough({ video: { ip_v4: '127.0.0.1', port: videoAt.port }, audio: { ip_v4: '127.0.0.1', port: audioAt.port } });
    await waitFor(() => videoAt.datagrams === PACKETS && audioAt.datagrams === PACKETS, 5000, `${PACKETS} packets at each redirect`);
    const t = await transport(id);
    assert.equal(t.redirectDropped, 0, JSON.stringify(t));
    assert.equal(t.redirected, videoAt.datagrams + audioAt.datagrams, JSON.stringify(t));
  });

  it('media redirected to a broadcast address is sent: the policy decides about broadcast, not the socket', async () => {
    const videoAt = await receiver('0.0.0.0');
    const audioAt = await receiver();
    const id = await mediaThrough({ video: { ip_v4: BROADCAST, port: videoAt.port }, audio: { ip_v4: '127.0.0.1', port: audioAt.port } });
    await waitFor(() => videoAt.datagrams === PACKETS, 5000, `${PACKETS} video packets through ${BROADCAST}`);
    const t = await transport(id);
    assert.equal(t.redirectDropped, 0, JSON.stringify(t));
    assert.equal(t.redirected, 2 * PACKETS, JSON.stringify(t));
  });

  it('data redirected to a broadcast address is sent, from the data port and from a connection without one', async () => {
    // From the callee's data port, which feeds it.
    const { caller, callee } = await openDataPath(await peer(), await peer(), { serialization: 'NONE' });
    udps.push(caller.udp, callee.udp);
    const fromPort = await receiver('0.0.0.0');
    const put = await call(base, 'PUT', `/data/connections/${callee.connectionId}`, { redirect_params: { ip_v4: BROADCAST, port: fromPort.port } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await caller.send('through the data port');
    await waitFor(() => fromPort.datagrams === 1, 5000, `the datagram through ${BROADCAST} from the data port`);

    // A callee with no data port sends from the gateway's own egress socket.
    const from = await peer();
    const to = await peer();
    const feed = await openDataPort(base);
    const created = await call(base, 'POST', '/data/connections', {
      peer_id: from.id,
      token: from.token,
      target_id: to.id,
      options: { serialization: 'NONE' },
      params: { data_id: feed.data_id },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const fromId = created.body.params.data_connection_id as string;
    const incoming = await call(base, 'GET', `/peers/${to.id}/events?token=${to.token}`);
    assert.equal(incoming.body?.event, 'CONNECTION', JSON.stringify(incoming.body));
    const toId = incoming.body.data_params.data_connection_id as string;
    const fromEgress = await receiver('0.0.0.0');
    const answered = await call(base, 'PUT', `/data/connections/${toId}`, { redirect_params: { ip_v4: BROADCAST, port: fromEgress.port } });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    await waitForEvent(base, fromId, 'OPEN');
    await waitForEvent(base, toId, 'OPEN');
    const sender = await UdpEndpoint.open();
    udps.push(sender);
    await sender.send(feed.port, 'through the egress socket');
    await waitFor(() => fromEgress.datagrams === 1, 5000, `the datagram through ${BROADCAST} from the egress socket`);

    for (const id of [callee.connectionId, toId]) {
      const status = (await call(base, 'GET', `/data/connections/${id}/status`)).body;
      assert.equal(status.stats.dropped_total, 0, JSON.stringify(status.stats));
    }
  });
});
