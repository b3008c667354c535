import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TransportSimulation, isConnected, rtcpReceiverReport, rtpPacket, type Peer } from '../../helpers/TransportSimulation.js';

const kinds = (p: Peer): string[] => p.events.map((e) => (e.text ? `${e.kind}:${e.text}` : e.kind));

async function handshake(options: { aDtls: 'client' | 'server'; aProfiles?: ('AEAD_AES_128_GCM' | 'AES_CM_128_HMAC_SHA1_80')[]; seed?: number }) {
  const sim = new TransportSimulation({ latencyUs: 10_000, jitterUs: 0, loss: 0 }, options.seed ?? 1);
  const a = sim.addPeer('a', { role: 'controlling', ...(options.aProfiles && { srtpProfiles: options.aProfiles }) }, { ip: '10.0.0.1', port: 5000 }, 11);
  const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 22);
  sim.connect(a, options.aDtls, b);
  const done = await sim.runUntil(() => isConnected(a) && isConnected(b), 5_000_000);
  return { sim, a, b, done };
}

describe('two transports on a perfect simulated network', () => {
  for (const aDtls of ['client', 'server'] as const) {
    it(`connect ICE, DTLS and SRTP with the controlling side as DTLS ${aDtls}`, async () => {
      const { sim, a, b, done } = await handshake({ aDtls });
      assert.ok(done, 'both sides connected');
      // Three one-way trips of 10 ms for ICE, then two round trips for DTLS.
      assert.ok(sim.now <= 100_000, `connected after ${sim.now / 1000} ms of simulated time`);
      for (const p of [a, b]) {
        const k = kinds(p);
        assert.ok(k.indexOf('ice-state:checking') < k.indexOf('ice-state:connected'), `${p.name}: ${k}`);
        assert.ok(k.includes('ice-state:completed'), `${p.name} nominated a pair`);
        assert.ok(k.includes('dtls-state:connected'));
        assert.ok(k.includes('connected:AEAD_AES_128_GCM'), 'GCM is preferred');
        const stats = p.transport.stats();
        assert.equal(stats.iceState, 'completed');
        assert.equal(stats.srtpProfile, 'AEAD_AES_128_GCM');
      }
      assert.equal(a.transport.stats().selectedRemote?.ip, '10.0.0.2');
      assert.equal(b.transport.stats().selectedRemote?.ip, '10.0.0.1');
    });
  }

  it('negotiates AES_CM_128_HMAC_SHA1_80 when one side offers only that', async () => {
    const { a, b, done } = await handshake({ aDtls: 'client', aProfiles: ['AES_CM_128_HMAC_SHA1_80'] });
    assert.ok(done);
    assert.ok(kinds(a).includes('connected:AES_CM_128_HMAC_SHA1_80'));
    assert.ok(kinds(b).includes('connected:AES_CM_128_HMAC_SHA1_80'));
  });

  for (const profile of ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'] as const) {
    it(`carries RTP and RTCP both ways, byte for byte, with ${profile}`, async () => {
      const { sim, a, b, done } = await handshake({ aDtls: 'server', aProfiles: [profile] });
      assert.ok(done);
      const sent = Array.from({ length: 50 }, (_, i) => rtpPacket(0xa1, 1000 + i, i * 3000, 96, Buffer.alloc(100 + i, i)));
      for (const p of sent) assert.equal(a.transport.sendRtp(p), 'ok');
      assert.equal(b.transport.sendRtp(rtpPacket(0xb2, 7, 0, 111, Buffer.from('opus'))), 'ok');
      assert.equal(b.transport.sendRtcp(rtcpReceiverReport(0xb2)), 'ok');
      await sim.runUntil(() => b.received.length === 50 && a.received.length === 2, 1_000_000);
      assert.deepEqual(b.received.map((r) => r.data), sent);
      assert.deepEqual(a.received.map((r) => r.kind).sort(), ['rtcp', 'rtp']);
      assert.deepEqual(a.received.find((r) => r.kind === 'rtcp')?.data, rtcpReceiverReport(0xb2));
      assert.equal(a.transport.stats().rtpSent, 50);
      assert.equal(b.transport.stats().rtpReceived, 50);
    });
  }

  it('plays out the same way twice from the same seeds', async () => {
    const first = await handshake({ aDtls: 'client', seed: 5 });
    const second = await handshake({ aDtls: 'client', seed: 5 });
    const trace = (p: Peer) => p.events.map((e) => `${e.at} ${e.kind} ${e.text}`);
    assert.deepEqual(trace(first.a), trace(second.a));
    assert.deepEqual(trace(first.b), trace(second.b));
    assert.equal(first.sim.delivered, second.sim.delivered);
  });

  it('sends close_notify on close, and the peer reports the remote close', async () => {
    const { sim, a, b, done } = await handshake({ aDtls: 'client' });
    assert.ok(done);
    a.transport.close();
    await sim.runUntil(() => b.events.some((e) => e.kind === 'closed'), 1_000_000);
    assert.ok(kinds(a).includes('closed:local'));
    assert.ok(kinds(b).includes('closed:remote'));
    assert.equal(b.transport.sendRtp(rtpPacket(1, 1, 1, 96, Buffer.alloc(10))), 'not-connected', 'nothing is sent after close');
  });

  it("keeps an answerer's ClientHello that overtakes its answer, so DTLS needs no retransmission", async () => {
    const sim = new TransportSimulation({ latencyUs: 10_000, jitterUs: 0, loss: 0 }, 1);
    const a = sim.addPeer('a', { role: 'controlling' }, { ip: '10.0.0.1', port: 5000 }, 11);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 22);
    a.transport.start(sim.now);
    b.transport.start(sim.now);
    // B has A's offer and answers as the DTLS client; its answer reaches A 100 ms later, long
    // after B's ICE checks succeeded and its ClientHello arrived.
    sim.describe(b, a, 'client');
    await sim.runUntil(() => Number(a.transport.stats()['dtlsReceived']) > 0, 1_000_000);
    await sim.runUntil(() => false, 100_000);
    const early = a.transport.stats();
    assert.equal(early.dtlsReceived, 1, 'one ClientHello before the answer');
    const answeredAt = sim.now;
    sim.describe(a, b, 'server');
    assert.ok(await sim.runUntil(() => isConnected(a) && isConnected(b), 5_000_000));
    // Two round trips of DTLS after the answer; a lost ClientHello would have cost B's 1 s timer.
    assert.ok(sim.now - answeredAt <= 60_000, `connected ${(sim.now - answeredAt) / 1000} ms after the answer`);
    assert.equal(a.transport.stats().droppedBeforeKeys, 0);
  });
});
