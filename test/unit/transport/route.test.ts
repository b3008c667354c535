import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { loadTestAddon } from '../../helpers/native/testAddon.js';
import { TransportSimulation, isConnected, rtpPacket, type Address, type Peer } from '../../helpers/TransportSimulation.js';

const isSrtp = (data: Buffer) => data[0]! >= 128 && data[0]! <= 191;
const net = { latencyUs: 10_000, jitterUs: 0, loss: 0 };

/** Each SRTP datagram a peer sends, with the socket it left from and where it went. */
function recordMedia(sim: TransportSimulation): { from: string; socketIndex: number; to: Address }[] {
  const sent: { from: string; socketIndex: number; to: Address }[] = [];
  sim.tap = (from, data, socketIndex, to) => {
    if (isSrtp(data)) sent.push({ from: from.name, socketIndex, to });
  };
  return sent;
}

const payloads = (p: Peer) => p.received.filter((r) => r.kind === 'rtp').map((r) => r.data.subarray(12).toString());

describe('the route media takes through ICE', () => {
  it('follows the selected pair when a better pair becomes valid: from the other socket, to the other address', async () => {
    const sim = new TransportSimulation(net, 3);
    const a0 = { ip: '10.0.0.1', port: 5000 };
    const a1 = { ip: '10.0.0.3', port: 5000 };
    // a waits for a better pair before nominating, so its route is the best valid pair meanwhile.
    const a = sim.addPeer('a', { role: 'controlling', timings: { nominationDelayUs: 20_000_000 } }, [a0, a1], 1);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 2);
    sim.setReachable(a0, false);
    sim.connect(a, 'server', b);
    assert.ok(await sim.runUntil(() => isConnected(a) && isConnected(b), 5_000_000), 'connected through a1');
    assert.equal(a.transport.stats().selectedLocal?.ip, a1.ip);
    assert.equal(b.transport.stats().selectedRemote?.ip, a1.ip);
    const media = recordMedia(sim);
    assert.equal(a.transport.sendRtp(rtpPacket(1, 1, 0, 96, Buffer.from('a before'))), 'ok');
    assert.equal(b.transport.sendRtp(rtpPacket(2, 1, 0, 96, Buffer.from('b before'))), 'ok');
    await sim.runUntil(() => false, 100_000);
    assert.deepEqual(media, [
      { from: 'a', socketIndex: 1, to: { ip: '10.0.0.2', port: 6000 } },
      { from: 'b', socketIndex: 0, to: a1 },
    ]);

    // a0 comes back: the retransmitted checks through it succeed and its pair is the better one.
    sim.setReachable(a0, true);
    const switched = () => a.transport.stats().selectedLocal?.ip === a0.ip && b.transport.stats().selectedRemote?.ip === a0.ip;
    assert.ok(await sim.runUntil(switched, 10_000_000), 'both sides moved to the pair through a0');
    media.length = 0;
    assert.equal(a.transport.sendRtp(rtpPacket(1, 2, 0, 96, Buffer.from('a after'))), 'ok');
    assert.equal(b.transport.sendRtp(rtpPacket(2, 2, 0, 96, Buffer.from('b after'))), 'ok');
    await sim.runUntil(() => false, 100_000);
    assert.deepEqual(media, [
      { from: 'a', socketIndex: 0, to: { ip: '10.0.0.2', port: 6000 } },
      { from: 'b', socketIndex: 0, to: a0 },
    ]);
    assert.deepEqual(payloads(b), ['a before', 'a after']);
    assert.deepEqual(payloads(a), ['b before', 'b after']);
    assert.equal(a.events.filter((e) => e.kind === 'selected-pair').length, 2, 'a reported both selected pairs');
  });

  it('answers not-connected before the keys, counts it once, and sends nothing', () => {
    const sim = new TransportSimulation(net, 1);
    const a = sim.addPeer('a', { role: 'controlling' }, { ip: '10.0.0.1', port: 5000 }, 1);
    a.transport.start(0);
    a.transport.takeTransmits();
    assert.equal(a.transport.sendRtp(rtpPacket(1, 1, 1, 96, Buffer.alloc(10))), 'not-connected');
    assert.equal(a.transport.sendRtcp(Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 1])), 'not-connected');
    const stats = a.transport.stats();
    assert.equal(stats.sendDropped, 2);
    assert.equal(stats.rtpSent, 0);
    assert.equal(stats.rtcpSent, 0);
    assert.deepEqual(a.transport.takeTransmits(), []);
  });

  it('answers no-route once ICE consent is lost, with the keys still in place, and sends nothing', async () => {
    const sim = new TransportSimulation({ latencyUs: 5_000, jitterUs: 0, loss: 0 }, 1);
    const a = sim.addPeer('a', { role: 'controlling' }, { ip: '10.0.0.1', port: 5000 }, 1);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 2);
    sim.connect(a, 'server', b);
    assert.ok(await sim.runUntil(() => isConnected(a) && isConnected(b), 1_000_000));
    assert.equal(a.transport.sendRtp(rtpPacket(1, 1, 1, 96, Buffer.from('while up'))), 'ok');
    sim.setLink(b, a, false);
    assert.ok(await sim.runUntil(() => a.events.some((e) => e.kind === 'failed'), 60_000_000));
    assert.equal(a.events.find((e) => e.kind === 'failed')!.text, 'ICE consent expired');
    const before = a.transport.stats();
    const media = recordMedia(sim);
    assert.equal(a.transport.sendRtp(rtpPacket(1, 2, 1, 96, Buffer.from('after'))), 'no-route');
    assert.equal(a.transport.sendRtcp(Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 1])), 'no-route');
    await sim.runUntil(() => false, 100_000);
    const after = a.transport.stats();
    assert.equal(after.connected, true, 'the SRTP keys are still there');
    assert.equal(Number(after.sendDropped) - Number(before.sendDropped), 2);
    assert.equal(after.rtpSent, 1);
    assert.deepEqual(media, []);
  });
});

describe('the sources ICE authenticated', () => {
  /** A connectivity check from `a` to `b` signed with b's password (RFC 8445 section 7.2.2). */
  function checkFromA(a: Peer, b: Peer): Buffer {
    const pa = a.transport.localParameters();
    const pb = b.transport.localParameters();
    return loadTestAddon().sansio.stunBuild({
      method: 1,
      class: 'request',
      transactionId: randomBytes(12),
      attributes: [{ type: 0x0006, value: Buffer.from(`${pb.ufrag}:${pa.ufrag}`) }],
      integrityKey: Buffer.from(pb.password),
      fingerprint: true,
    });
  }

  it('accepts media from the newest of many check sources and forgets the oldest beyond the bound (32)', async () => {
    const sim = new TransportSimulation(net, 1);
    const a = sim.addPeer('a', { role: 'controlling' }, { ip: '10.0.0.1', port: 5000 }, 1);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 2);
    sim.connect(a, 'client', b);
    assert.ok(await sim.runUntil(() => isConnected(a) && isConnected(b), 5_000_000));
    // a's NAT rebinds 40 times: each new mapping sends an authenticated check first.
    for (let i = 1; i <= 40; i++) b.transport.handleDatagram(sim.now, 0, '10.0.0.1', 7000 + i, checkFromA(a, b));
    assert.equal(b.transport.stats().stunUnauthenticated, 0);
    b.transport.takeTransmits();
    const srtp = (text: string, seq: number) => {
      assert.equal(a.transport.sendRtp(rtpPacket(1, seq, 0, 96, Buffer.from(text))), 'ok');
      return a.transport.takeTransmits().find((t) => isSrtp(t.data))!.data;
    };
    b.transport.handleDatagram(sim.now, 0, '10.0.0.1', 7040, srtp('from the newest', 1));
    b.transport.handleDatagram(sim.now, 0, '10.0.0.1', 7009, srtp('from the oldest kept', 2));
    b.transport.handleDatagram(sim.now, 0, '10.0.0.1', 7008, srtp('from one forgotten', 3));
    b.transport.handleDatagram(sim.now, 0, '10.0.0.1', 5000, srtp('from the valid pair', 4));
    const delivered = b.transport.takeReceived().map((r) => r.data.subarray(12).toString());
    assert.deepEqual(delivered, ['from the newest', 'from the oldest kept', 'from the valid pair']);
    assert.equal(b.transport.stats().droppedUnauthenticatedSource, 1);
  });
});
