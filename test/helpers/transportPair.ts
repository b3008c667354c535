import assert from 'node:assert/strict';

import type { RawLocalParameters, RawRemoteParameters, RawTransportEvent, RawTransportStats, RawTurnServer } from '../../src/native/addon.js';
import type { NativeEngine } from '../../src/native/NativeEngine.js';
import type { NativeTransport } from '../../src/native/NativeTransport.js';
import { waitFor } from './proc.js';
import { rtpPacket } from './TransportSimulation.js';
import { sendDatagrams, udpReceiver } from './udp.js';

// Two native transports on real loopback sockets, signalled straight to each other (no SDP), as
// the integration tests of the native media transport use them.

/** A transport with every event it reported since it was made. */
export interface Watched {
  transport: NativeTransport;
  events: RawTransportEvent[];
}

export function watch(transport: NativeTransport): Watched {
  const events: RawTransportEvent[] = [];
  transport.onEvent((e) => events.push(e));
  return { transport, events };
}

export const isConnected = (w: Watched): boolean => w.events.some((e) => e.kind === 'connected');

/** The text of every turn-failed event so far. */
export const turnFailures = (w: Watched): string[] => w.events.filter((e) => e.kind === 'turn-failed').map((e) => e.text);

/** The stats of a transport's first TURN server (asserted present). */
export function relayOf(stats: Pick<RawTransportStats, 'turn'>): NonNullable<RawTransportStats['turn']>[number] {
  const relay = stats.turn?.[0];
  assert.ok(relay, 'the relay is in the stats');
  return relay;
}

function remoteOf(local: RawLocalParameters, dtlsRole: 'client' | 'server'): RawRemoteParameters {
  return { ufrag: local.ufrag, password: local.password, fingerprintAlgorithm: 'sha-256', fingerprint: local.fingerprint, dtlsRole };
}

/**
 * Signals `client` (the DTLS client) and `server` to each other: ICE credentials, fingerprints,
 * every candidate known now and every one trickled later (relayed and server-reflexive ones
 * come as local-candidate events; host candidates are known up front).
 */
export function signal(client: Watched, server: Watched): void {
  client.transport.setRemote(remoteOf(server.transport.local, 'server'));
  server.transport.setRemote(remoteOf(client.transport.local, 'client'));
  for (const [from, to] of [[server, client], [client, server]] as const) {
    for (const c of from.transport.local.candidates) to.transport.addRemoteCandidate(c);
    from.transport.onEvent((e) => {
      if (e.kind === 'local-candidate' && e.candidate) to.transport.addRemoteCandidate(e.candidate);
    });
  }
}

/**
 * The gateway side (relayOnly, controlled, DTLS client, on `gwEngine`) and a plain peer
 * (controlling, on `peerEngine`), signalled to each other; the gateway's relayed candidates
 * reach the peer as they are gathered.
 */
export function relayOnlyPair(gwEngine: NativeEngine, peerEngine: NativeEngine, turnServers: RawTurnServer[]): [Watched, Watched] {
  const gw = watch(gwEngine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], turnServers, relayOnly: true }));
  const peer = watch(peerEngine.createTransport({ role: 'controlling', bindAddresses: ['127.0.0.1'] }));
  assert.deepEqual(gw.transport.local.candidates, [], 'relayOnly: no host candidate is signalled');
  signal(gw, peer);
  return [gw, peer];
}

/** One side of a media exchange: a transport and the engine its RTP port is opened on. */
export interface MediaEnd {
  engine: NativeEngine;
  watched: Watched;
}

/**
 * SRTP both ways between two connected transports: a UDP port on each engine feeds its
 * transport, the other side redirects what it decrypts to a test socket; `count` packets each way
 * (paced in tens) must arrive byte-identical and in order. Returns what each side sent.
 * Payload sizes are not multiples of 4, so a stream's ChannelData carries padding.
 */
export async function exchangeMedia(a: MediaEnd, b: MediaEnd, count: number, seed: number): Promise<{ fromA: Buffer[]; fromB: Buffer[] }> {
  const outAtB = await udpReceiver();
  const outAtA = await udpReceiver();
  const aPort = a.engine.openUdpPort('127.0.0.1', 0);
  const bPort = b.engine.openUdpPort('127.0.0.1', 0);
  try {
    assert.ok(a.engine.attachPort(aPort.handle, a.watched.transport.handle, 'rtp', 'video'));
    assert.ok(b.engine.attachPort(bPort.handle, b.watched.transport.handle, 'rtp', 'video'));
    b.watched.transport.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: outAtB.port });
    a.watched.transport.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: outAtA.port });
    const fromA = Array.from({ length: count }, (_, i) => rtpPacket(0x6a7 + seed, i, i * 3000, 96, Buffer.alloc(901 + (i % 4), (i + seed) & 0xff)));
    const fromB = Array.from({ length: count }, (_, i) => rtpPacket(0x9e1 + seed, i, i * 3000, 96, Buffer.alloc(702 + (i % 3), (255 - i) & 0xff)));
    for (let i = 0; i < count; i += 10) {
      await sendDatagrams(aPort.port, fromA.slice(i, i + 10));
      await sendDatagrams(bPort.port, fromB.slice(i, i + 10));
      await new Promise((r) => setTimeout(r, 3));
    }
    await waitFor(() => outAtB.packets.length === count && outAtA.packets.length === count, 5000, 'all media relayed both ways');
    assert.deepEqual(outAtB.packets, fromA);
    assert.deepEqual(outAtA.packets, fromB);
    return { fromA, fromB };
  } finally {
    a.engine.closeUdpPort(aPort.handle);
    b.engine.closeUdpPort(bPort.handle);
    outAtB.socket.close();
    outAtA.socket.close();
  }
}
