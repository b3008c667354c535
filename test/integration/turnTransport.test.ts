import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';

import type { RawTransportEvent, RawTurnServer } from '../../src/native/addon.js';
import { NativeEngine } from '../../src/native/NativeEngine.js';
import type { NativeTransport } from '../../src/native/NativeTransport.js';
import { Coturn } from '../helpers/coturn.js';
import { waitFor } from '../helpers/proc.js';
import { rtpPacket } from '../helpers/TransportSimulation.js';
import { sendDatagrams } from '../helpers/udp.js';

// Relayed candidates in the native media transport: the gateway side has relayOnly and a real
// coturn on loopback; ICE, DTLS, SRTP and consent all run through the allocation.

interface Watched {
  transport: NativeTransport;
  events: RawTransportEvent[];
}

function watch(transport: NativeTransport): Watched {
  const events: RawTransportEvent[] = [];
  transport.onEvent((e) => events.push(e));
  return { transport, events };
}

const isConnected = (w: Watched): boolean => w.events.some((e) => e.kind === 'connected');

async function receiver(): Promise<{ socket: Socket; packets: Buffer[]; port: number }> {
  const socket = createSocket('udp4');
  const packets: Buffer[] = [];
  socket.on('message', (m) => packets.push(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { socket, packets, port: socket.address().port };
}

describe('relayed candidates through coturn', () => {
  let turn: Coturn;
  let server: RawTurnServer;
  const engine = new NativeEngine();
  before(async () => {
    turn = await Coturn.start({ users: [{ username: 'gw', password: 'secret' }] });
    server = { ip: turn.ip, port: turn.port, transport: 'udp', host: 'localhost', username: 'gw', credential: 'secret', url: turn.url('udp') };
  });
  after(async () => {
    engine.close();
    await turn.stop();
  });

  /** The gateway (relayOnly, controlled) and a plain peer (controlling), trickling to each other. */
  function connectPair(turnServers: RawTurnServer[]): [Watched, Watched] {
    const gw = watch(engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], turnServers, relayOnly: true }));
    const peer = watch(engine.createTransport({ role: 'controlling', bindAddresses: ['127.0.0.1'] }));
    const remote = (t: NativeTransport, dtlsRole: 'client' | 'server') => ({
      ufrag: t.local.ufrag,
      password: t.local.password,
      fingerprintAlgorithm: 'sha-256',
      fingerprint: t.local.fingerprint,
      dtlsRole,
    });
    gw.transport.setRemote(remote(peer.transport, 'server'));
    peer.transport.setRemote(remote(gw.transport, 'client'));
    assert.deepEqual(gw.transport.local.candidates, [], 'relayOnly: no host candidate is signalled');
    for (const c of peer.transport.local.candidates) gw.transport.addRemoteCandidate(c);
    gw.transport.onEvent((e) => {
      if (e.kind === 'local-candidate' && e.candidate) peer.transport.addRemoteCandidate(e.candidate);
    });
    return [gw, peer];
  }

  it('connects over the relay (selected local candidate: relay, naming the server) and carries SRTP both ways', async () => {
    const [gw, peer] = connectPair([server]);
    const outAtPeer = await receiver();
    const outAtGw = await receiver();
    try {
      await waitFor(() => isConnected(gw) && isConnected(peer), 10_000, 'both transports connected through the relay');
      const relayCandidate = gw.events.find((e) => e.kind === 'local-candidate')?.candidate;
      assert.equal(relayCandidate?.type, 'relay');
      assert.equal(relayCandidate?.url, turn.url('udp'));
      assert.equal(relayCandidate?.relatedIp, '0.0.0.0', 'relayOnly keeps the mapped address private');
      assert.ok(gw.events.some((e) => e.kind === 'gathering-complete'));
      const stats = gw.transport.stats();
      assert.equal(stats.selectedLocal?.type, 'relay');
      assert.equal(stats.selectedLocal?.url, turn.url('udp'));
      assert.equal(stats.selectedLocal?.port, relayCandidate?.port);
      assert.equal(peer.transport.stats().selectedRemote?.port, relayCandidate?.port, 'the peer talks to the relayed address');

      // Media both ways: ports feed each side, the other side redirects what it decrypts.
      const gwPort = engine.openUdpPort('127.0.0.1', 0);
      const peerPort = engine.openUdpPort('127.0.0.1', 0);
      assert.ok(engine.attachPort(gwPort.handle, gw.transport.handle, 'rtp', 'video'));
      assert.ok(engine.attachPort(peerPort.handle, peer.transport.handle, 'rtp', 'video'));
      peer.transport.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: outAtPeer.port });
      gw.transport.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: outAtGw.port });
      const fromGw = Array.from({ length: 100 }, (_, i) => rtpPacket(0x6a7, i, i * 3000, 96, Buffer.alloc(900, i)));
      const fromPeer = Array.from({ length: 100 }, (_, i) => rtpPacket(0x9e1, i, i * 3000, 96, Buffer.alloc(700, 255 - i)));
      for (let i = 0; i < 100; i += 10) {
        await sendDatagrams(gwPort.port, fromGw.slice(i, i + 10));
        await sendDatagrams(peerPort.port, fromPeer.slice(i, i + 10));
        await new Promise((r) => setTimeout(r, 3));
      }
      await waitFor(() => outAtPeer.packets.length === 100 && outAtGw.packets.length === 100, 5000, 'all media relayed both ways');
      assert.deepEqual(outAtPeer.packets, fromGw);
      assert.deepEqual(outAtGw.packets, fromPeer);
      const after = gw.transport.stats();
      assert.equal(after.rtpSent, 100);
      assert.equal(after.rtpReceived, 100);
      assert.equal(after.rtpBytesSent, fromGw.reduce((n, p) => n + p.length, 0));
      const relay = after.turn?.[0];
      assert.ok(relay, 'the allocation is in the stats');
      assert.equal(relay.url, turn.url('udp'));
      assert.equal(relay.state, 'allocated');
      assert.equal(relay.channelBinds, 1, 'the selected pair got a channel');
      assert.ok(relay.channelDataSent >= 100, `media left as ChannelData (${relay.channelDataSent})`);
      assert.ok(relay.channelDataReceived >= 100, `media came as ChannelData (${relay.channelDataReceived})`);
      assert.ok(relay.permissions >= 1);
      assert.equal(after.droppedNotRelayed, 0);
      engine.closeUdpPort(gwPort.handle);
      engine.closeUdpPort(peerPort.handle);

      // Closing deallocates: coturn logs a Refresh with lifetime 0 for the gateway's user.
      gw.transport.close();
      await turn.waitForLog(/username=<gw>, lifetime=0/);
    } finally {
      outAtPeer.socket.close();
      outAtGw.socket.close();
      gw.transport.close();
      peer.transport.close();
    }
  });

  it('reports each TURN server it cannot use, and gathers nothing then', async () => {
    const bad = { ...server, credential: 'wrong', url: `${turn.url('udp')}#bad` };
    const v6 = { ...server, ip: '::1', url: `turn:[::1]:${turn.port}` };
    const [gw, peer] = connectPair([bad, v6]);
    try {
      await waitFor(() => gw.events.some((e) => e.kind === 'gathering-complete'), 5000, 'gathering ends');
      const failures = gw.events.filter((e) => e.kind === 'turn-failed').map((e) => e.text);
      assert.equal(failures.length, 2, JSON.stringify(failures));
      assert.ok(failures.includes(`${v6.url} no local address of its address family`), JSON.stringify(failures));
      assert.ok(failures.some((t) => t.startsWith(`${bad.url} 401 `)), JSON.stringify(failures));
      assert.equal(gw.events.filter((e) => e.kind === 'local-candidate').length, 0);
      assert.equal(gw.transport.stats().turn?.[0]?.requests, 2, 'no retry storm');
    } finally {
      gw.transport.close();
      peer.transport.close();
    }
  });
});
