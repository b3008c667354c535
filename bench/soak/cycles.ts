/**
 * One cycle of each kind bench/soak.ts repeats, through the REST API as a user would, every
 * resource deleted again at the end: connections, then ports, then peers.
 * - media: peers A and B; A makes a video and an audio port and calls B (VP8 + Opus); B answers
 *   receive-only, redirecting both streams to the benchmark's sink; STREAM on both sides; a
 *   little RTP into A's ports must come out at the sink.
 * - data: peers A and B, a data port each; A connects to B; B's connection gets its port and a
 *   redirect with PUT; OPEN on both sides; a datagram each way must arrive.
 */
import { answerReceiveOnly, awaitEvent, openPeer, placeCall, type RestPeer } from '../lib/mediaCall.js';
import { call, rest } from '../../test/support/rest.js';
import { AUDIO_PT, RtpStreamWriter, VIDEO_PT } from '../lib/rtpStream.js';
import type { UdpSink } from './udpSink.js';

export interface CycleResult {
  /** Datagrams (RTP or data) the cycle sent, and how many arrived where they should. */
  sent: number;
  delivered: number;
}

/** Sockets of the benchmark a cycle sends from and receives at. */
export interface CycleSockets {
  source: UdpSink;
  sinkA: UdpSink;
  sinkB: UdpSink;
  sinkAPort: number;
  sinkBPort: number;
}

const RTP_PACKETS = 5; // of each kind
/** How long a cycle waits for its datagrams to arrive. */
const DELIVERY_WAIT_MS = 2000;

export async function mediaCycle(base: string, n: number, sockets: CycleSockets): Promise<CycleResult> {
  const teardown = new Teardown(base);
  try {
    const a = teardown.peer(await openPeer(base, `soak-m${n}-a`));
    const b = teardown.peer(await openPeer(base, `soak-m${n}-b`));
    const placing = placeCall(a, b.id);
    placing.catch(() => {}); // awaited below; a failure before that must not go unhandled
    const calleeId = (await nextPeerEvent(b, 'CALL')).call_params.media_connection_id as string;
    teardown.connection('media', calleeId);
    await answerReceiveOnly(b, calleeId, sockets.sinkBPort);
    const call = await placing;
    teardown.connection('media', call.id);
    teardown.port('media', call.videoId);
    teardown.port('media', call.audioId);
    await awaitEvent(base, calleeId, 'STREAM');

    sockets.sinkB.reset();
    const video = new RtpStreamWriter(VIDEO_PT, 200, 90_000, true);
    const audio = new RtpStreamWriter(AUDIO_PT, 100, 48_000, false);
    // Copies: the writers reuse one buffer, and a send reads it later.
    for (let i = 0; i < RTP_PACKETS; i++) {
      sockets.source.send(Buffer.from(video.next(i, true)), call.videoPort);
      video.endFrame(1 / 30);
      sockets.source.send(Buffer.from(audio.next(i, false)), call.audioPort);
      audio.endFrame(0.02);
    }
    const arrived = await sockets.sinkB.waitFor(2 * RTP_PACKETS, DELIVERY_WAIT_MS);
    return { sent: 2 * RTP_PACKETS, delivered: arrived.length };
  } finally {
    await teardown.run();
  }
}

export async function dataCycle(base: string, n: number, sockets: CycleSockets): Promise<CycleResult> {
  const teardown = new Teardown(base);
  try {
    const a = teardown.peer(await openPeer(base, `soak-d${n}-a`));
    const b = teardown.peer(await openPeer(base, `soak-d${n}-b`));
    const portA = await rest(base, 'POST', '/data', {});
    teardown.port('data', portA.data_id);
    const portB = await rest(base, 'POST', '/data', {});
    teardown.port('data', portB.data_id);
    const { params } = await rest(base, 'POST', '/data/connections', {
      peer_id: a.id,
      token: a.token,
      target_id: b.id,
      params: { data_id: portA.data_id },
      redirect_params: { ip_v4: '127.0.0.1', port: sockets.sinkAPort },
    });
    const idA = params.data_connection_id as string;
    teardown.connection('data', idA);
    const idB = (await nextPeerEvent(b, 'CONNECTION')).data_params.data_connection_id as string;
    teardown.connection('data', idB);
    await rest(base, 'PUT', `/data/connections/${idB}`, {
      feed_params: { data_id: portB.data_id },
      redirect_params: { ip_v4: '127.0.0.1', port: sockets.sinkBPort },
    });
    for (const id of [idA, idB]) {
      const { event } = await rest(base, 'GET', `/data/connections/${id}/events`);
      if (event !== 'OPEN') throw new Error(`data connection ${id}: ${event} instead of OPEN`);
    }

    sockets.sinkA.reset();
    sockets.sinkB.reset();
    const toB = Buffer.from(`soak ${n}: A to B`);
    const toA = Buffer.from(`soak ${n}: B to A`);
    sockets.source.send(toB, portA.port);
    sockets.source.send(toA, portB.port);
    const [atB, atA] = await Promise.all([sockets.sinkB.waitFor(1, DELIVERY_WAIT_MS), sockets.sinkA.waitFor(1, DELIVERY_WAIT_MS)]);
    const delivered = Number(atB.some((m) => m.equals(toB))) + Number(atA.some((m) => m.equals(toA)));
    return { sent: 2, delivered };
  } finally {
    await teardown.run();
  }
}

/** The next event of a gateway peer, which must be `wanted` (after OPEN, nothing else is due). */
async function nextPeerEvent(peer: RestPeer, wanted: string): Promise<any> {
  const event = await rest(peer.base, 'GET', `/peers/${peer.id}/events?token=${peer.token}`);
  if (event.event !== wanted) throw new Error(`${peer.id}: ${event.event} instead of ${wanted}`);
  return event;
}

/**
 * What a cycle created, deleted at its end (also when it failed): connections, then ports, then
 * peers. A 404 is fine: a closed connection frees the ports only it used, and a deleted peer
 * its connections.
 */
class Teardown {
  private readonly connections: string[] = [];
  private readonly ports: string[] = [];
  private readonly peers: string[] = [];

  constructor(private readonly base: string) {}

  peer(peer: RestPeer): RestPeer {
    this.peers.push(`/peers/${peer.id}?token=${peer.token}`);
    return peer;
  }

  connection(kind: 'media' | 'data', id: string): void {
    this.connections.push(`/${kind}/connections/${id}`);
  }

  port(kind: 'media' | 'data', id: string): void {
    this.ports.push(`/${kind}/${id}`);
  }

  async run(): Promise<void> {
    for (const path of [...this.connections, ...this.ports, ...this.peers]) {
      const res = await call(this.base, 'DELETE', path);
      if (res.status !== 204 && res.status !== 404) throw new Error(`DELETE ${path}: ${res.status}`);
    }
  }
}
