import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TransportSimulation, isConnected, rtpPacket } from '../../helpers/TransportSimulation.js';

describe('server-reflexive candidates and NAT traversal', () => {
  it('gathers a srflx candidate from a STUN server, trickles it, and connects through the NAT with it', async () => {
    const sim = new TransportSimulation({ latencyUs: 10_000, jitterUs: 0, loss: 0 }, 7);
    sim.addStunServer('stun', { ip: '198.51.100.1', port: 3478 });
    // a sits behind a NAT: 10.0.0.1:5000 inside, 203.0.113.5:40000 outside.
    const a = sim.addPeer(
      'a',
      { role: 'controlling', stunServers: [{ ip: '198.51.100.1', port: 3478 }] },
      { ip: '10.0.0.1', port: 5000 },
      1,
      { ip: '203.0.113.5', port: 40000 },
    );
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '192.0.2.20', port: 6000 }, 2);
    sim.connect(a, 'client', b);
    // Trickle: a's late candidates reach b as they come.
    const trickled = new Set<string>();
    const done = await sim.runUntil(() => {
      for (const e of a.events) {
        if (e.kind === 'local-candidate' && e.candidate && !trickled.has(e.text)) {
          trickled.add(e.text);
          b.transport.addRemoteCandidate(sim.now, e.candidate);
        }
      }
      return isConnected(a) && isConnected(b);
    }, 5_000_000);
    assert.ok(done, 'connected through the NAT');
    const srflx = a.events.find((e) => e.kind === 'local-candidate');
    assert.equal(srflx?.candidate?.type, 'srflx');
    assert.equal(srflx?.candidate?.ip, '203.0.113.5');
    assert.equal(srflx?.candidate?.port, 40000);
    assert.equal(srflx?.candidate?.relatedIp, '10.0.0.1');
    assert.match(srflx!.text, /^candidate:\d+ 1 udp \d+ 203\.0\.113\.5 40000 typ srflx raddr 10\.0\.0\.1 rport 5000$/);
    assert.ok(a.events.some((e) => e.kind === 'gathering-complete'));
    // b reaches a only at its public address; a's host address is unreachable from outside.
    assert.equal(b.transport.stats().selectedRemote?.ip, '203.0.113.5');
    assert.equal(a.transport.sendRtp(rtpPacket(1, 1, 1, 96, Buffer.from('through the NAT'))), 'ok');
    await sim.runUntil(() => b.received.length > 0, 1_000_000);
    assert.equal(b.received[0]?.data.subarray(12).toString(), 'through the NAT');
  });

  it("a TURN server at the STUN server's address and port does not take its Binding responses: the srflx candidate is still gathered", async () => {
    // coturn is usually both (stun: and turn: on one port). Datagrams from a UDP TURN server's
    // address go to its TURN client, except Binding messages, which answer ICE's gathering.
    const sim = new TransportSimulation({ latencyUs: 10_000, jitterUs: 0, loss: 0 }, 7);
    const server = { ip: '198.51.100.1', port: 3478 };
    sim.addStunServer('stun', server);
    const turnServers = [{ ...server, host: server.ip, transport: 'udp' as const, username: 'u', credential: 'p', url: 'turn:198.51.100.1:3478?transport=udp' }];
    const a = sim.addPeer('a', { role: 'controlling', stunServers: [server], turnServers }, { ip: '10.0.0.1', port: 5000 }, 1, { ip: '203.0.113.5', port: 40000 });
    a.transport.start(0);
    assert.ok(await sim.runUntil(() => a.events.some((e) => e.kind === 'local-candidate' && e.candidate?.type === 'srflx'), 2_000_000), 'a srflx candidate');
    const srflx = a.events.find((e) => e.kind === 'local-candidate' && e.candidate?.type === 'srflx')!;
    assert.equal(`${srflx.candidate!.ip}:${srflx.candidate!.port}`, '203.0.113.5:40000');
  });

  it('completes gathering without a candidate when the STUN server never answers', async () => {
    const sim = new TransportSimulation({ latencyUs: 10_000, jitterUs: 0, loss: 0 }, 7);
    const a = sim.addPeer('a', { role: 'controlling', stunServers: [{ ip: '198.51.100.9', port: 3478 }] }, { ip: '10.0.0.1', port: 5000 }, 1);
    a.transport.start(0);
    assert.ok(await sim.runUntil(() => a.events.some((e) => e.kind === 'gathering-complete'), 20_000_000));
    assert.equal(a.events.filter((e) => e.kind === 'local-candidate').length, 0);
    const at = a.events.find((e) => e.kind === 'gathering-complete')!.at;
    assert.ok(at > 1_000_000 && at < 15_000_000, `gave up after ${at / 1e6} s of retransmissions`);
  });
});

describe('IPv6 and dual stack', () => {
  it('connects two peers over IPv6 only', async () => {
    const sim = new TransportSimulation({ latencyUs: 5_000, jitterUs: 0, loss: 0 }, 1);
    const a = sim.addPeer('a', { role: 'controlling' }, { ip: '2001:db8::1', port: 5000 }, 1);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '2001:db8::2', port: 6000 }, 2);
    sim.connect(a, 'server', b);
    assert.ok(await sim.runUntil(() => isConnected(a) && isConnected(b), 2_000_000));
    assert.equal(a.transport.localParameters().candidates[0]?.ip, '2001:db8::1');
    assert.equal(a.transport.stats().selectedRemote?.ip, '2001:db8::2');
  });

  it('never pairs an IPv4 candidate with an IPv6 one, and fails fast once every pair failed and candidates ended', async () => {
    const sim = new TransportSimulation({ latencyUs: 5_000, jitterUs: 0, loss: 0 }, 1);
    const a = sim.addPeer('a', { role: 'controlling', timings: { connectTimeoutUs: 60_000_000 } }, { ip: '10.0.0.1', port: 5000 }, 1);
    a.transport.start(0);
    const pb = sim.addPeer('b', { role: 'controlled' }, { ip: '2001:db8::2', port: 6000 }, 2).transport.localParameters();
    a.transport.setRemoteParameters(0, { ufrag: pb.ufrag, password: pb.password, fingerprintAlgorithm: 'sha-256', fingerprint: pb.fingerprint, dtlsRole: 'client' });
    a.transport.addRemoteCandidate(0, pb.candidates[0]!); // IPv6 only: nothing to pair with
    a.transport.addRemoteCandidate(0, { foundation: 'x', component: 1, priority: 100, ip: '10.9.9.9', port: 9, type: 'host' }); // unreachable
    a.transport.endOfRemoteCandidates(0);
    assert.ok(await sim.runUntil(() => a.events.some((e) => e.kind === 'failed'), 60_000_000));
    const failedAt = a.events.find((e) => e.kind === 'failed')!.at;
    // Well before the 60 s connect timeout: the only pair ran out of retransmissions.
    assert.ok(failedAt < 30_000_000, `failed after ${failedAt / 1e6} s`);
    assert.equal(a.transport.stats().checksSent, 1);
  });
});
