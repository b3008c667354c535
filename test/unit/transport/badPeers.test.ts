import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TransportSimulation, isConnected, rtpPacket } from '../../helpers/TransportSimulation.js';

describe('transports facing bad peers and bad input', () => {
  it('fails DTLS when the certificate does not match the signalled fingerprint', async () => {
    const sim = new TransportSimulation({ latencyUs: 10_000, jitterUs: 0, loss: 0 }, 1);
    const a = sim.addPeer('a', { role: 'controlling' }, { ip: '10.0.0.1', port: 5000 }, 1);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 2);
    const pa = a.transport.localParameters();
    const pb = b.transport.localParameters();
    a.transport.start(0);
    b.transport.start(0);
    const wrong = pb.fingerprint.replace(/^../, pb.fingerprint.startsWith('00') ? '01' : '00');
    a.transport.setRemoteParameters(0, { ufrag: pb.ufrag, password: pb.password, fingerprintAlgorithm: 'sha-256', fingerprint: wrong, dtlsRole: 'client' });
    b.transport.setRemoteParameters(0, { ufrag: pa.ufrag, password: pa.password, fingerprintAlgorithm: 'sha-256', fingerprint: pa.fingerprint, dtlsRole: 'server' });
    for (const c of pb.candidates) a.transport.addRemoteCandidate(0, c);
    for (const c of pa.candidates) b.transport.addRemoteCandidate(0, c);
    assert.ok(await sim.runUntil(() => a.events.some((e) => e.kind === 'failed'), 5_000_000));
    assert.match(a.events.find((e) => e.kind === 'failed')!.text, /does not match the fingerprint/);
    assert.equal(isConnected(a), false);
    assert.equal(a.transport.sendRtp(rtpPacket(1, 1, 1, 96, Buffer.alloc(10))), 'not-connected');
  });

  it('fails ICE when the peer never answers, after the connect timeout', async () => {
    const sim = new TransportSimulation({ latencyUs: 10_000, jitterUs: 0, loss: 0 }, 1);
    const a = sim.addPeer('a', { role: 'controlling', timings: { connectTimeoutUs: 10_000_000 } }, { ip: '10.0.0.1', port: 5000 }, 1);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 2);
    sim.setLink(b, a, false);
    sim.connect(a, 'client', b);
    assert.ok(await sim.runUntil(() => a.events.some((e) => e.kind === 'failed'), 30_000_000));
    const failed = a.events.find((e) => e.kind === 'failed')!;
    assert.equal(failed.text, 'ICE failed: no working candidate pair');
    assert.equal(failed.at, 10_000_000);
  });

  it("does not fail before the remote's answer: the connect timeout counts from its credentials", async () => {
    const sim = new TransportSimulation({ latencyUs: 10_000, jitterUs: 0, loss: 0 }, 1);
    const a = sim.addPeer('a', { role: 'controlling', timings: { connectTimeoutUs: 10_000_000 } }, { ip: '10.0.0.1', port: 5000 }, 1);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 2);
    // An offer out, no answer for 40 s (a call nobody picks up yet): nothing can be checked.
    a.transport.start(sim.now);
    assert.equal(await sim.runUntil(() => a.events.some((e) => e.kind === 'failed'), 40_000_000), false);
    // The answer comes, and its candidates never answer: failed 10 s later, not at once.
    sim.setLink(b, a, false);
    b.transport.start(sim.now);
    sim.describe(a, b, 'client');
    sim.describe(b, a, 'server');
    assert.ok(await sim.runUntil(() => a.events.some((e) => e.kind === 'failed'), 30_000_000));
    assert.equal(a.events.find((e) => e.kind === 'failed')!.at, 50_000_000);
  });

  it('drops datagrams from sources ICE has not authenticated, and SRTP it cannot authenticate', async () => {
    const sim = new TransportSimulation({ latencyUs: 10_000, jitterUs: 0, loss: 0 }, 1);
    const a = sim.addPeer('a', { role: 'controlling' }, { ip: '10.0.0.1', port: 5000 }, 1);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 2);
    sim.connect(a, 'client', b);
    assert.ok(await sim.runUntil(() => isConnected(a) && isConnected(b), 5_000_000));
    const rtp = rtpPacket(9, 9, 9, 96, Buffer.alloc(50));
    // From a stranger: dropped before any parsing.
    b.transport.handleDatagram(sim.now, 0, '10.9.9.9', 1234, rtp);
    b.transport.handleDatagram(sim.now, 0, '10.9.9.9', 1234, Buffer.from([22, 254, 253, 0, 0]));
    // From the real peer but not valid SRTP, and random bytes of every demux class.
    b.transport.handleDatagram(sim.now, 0, '10.0.0.1', 5000, Buffer.concat([rtp, Buffer.alloc(16)]));
    for (const first of [0, 2, 20, 63, 64, 100, 128, 191, 192, 255]) {
      b.transport.handleDatagram(sim.now, 0, '10.0.0.1', 5000, Buffer.concat([Buffer.from([first]), Buffer.alloc(40, 0x5a)]));
    }
    const stats = b.transport.stats();
    assert.equal(stats.droppedUnauthenticatedSource, 2);
    assert.ok((stats.droppedSrtpAuth as number) >= 1);
    assert.equal(b.received.length, 0, 'nothing reached the media output');
    assert.equal(b.transport.stats().iceState, 'completed', 'the session is unharmed');
    assert.equal(a.transport.sendRtp(rtpPacket(1, 1, 1, 96, Buffer.from('still fine'))), 'ok');
    await sim.runUntil(() => b.received.length > 0, 1_000_000);
    assert.equal(b.received[0]!.data.subarray(12).toString(), 'still fine');
  });

  it('answers checks with a wrong password with 401 and does not pair with the sender', async () => {
    const sim = new TransportSimulation({ latencyUs: 10_000, jitterUs: 0, loss: 0 }, 1);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 2);
    const pb = b.transport.localParameters();
    b.transport.start(0);
    const { loadTestAddon } = await import('../../helpers/native/testAddon.js');
    const request = loadTestAddon().sansio.stunBuild({
      method: 1,
      class: 'request',
      transactionId: Buffer.alloc(12, 1),
      attributes: [{ type: 0x0006, value: Buffer.from(`${pb.ufrag}:evil`) }],
      integrityKey: Buffer.from('not the password'),
      fingerprint: true,
    });
    b.transport.handleDatagram(0, 0, '10.6.6.6', 666, request);
    const [response] = b.transport.takeTransmits();
    const parsed = loadTestAddon().sansio.stunParse(response!.data);
    assert.equal(parsed?.class, 'error');
    assert.equal(parsed?.errorCode?.code, 401);
    assert.equal(b.transport.stats().stunUnauthenticated, 1);
    b.transport.handleDatagram(0, 0, '10.6.6.6', 666, rtpPacket(1, 1, 1, 96, Buffer.alloc(20)));
    assert.equal(b.transport.stats().droppedUnauthenticatedSource, 1);
  });
});
