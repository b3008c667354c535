import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { GatewayError } from '../../src/errors/GatewayError.js';
import { errorCode, NativeEngine } from '../../src/native/NativeEngine.js';
import { fdCount, threadCount, waitFor } from '../helpers/proc.js';
import { isConnected, signal, watch, type Watched } from '../helpers/transportPair.js';
import { rtpPacket } from '../helpers/TransportSimulation.js';
import { bindableByAnotherProcess, sendDatagrams, udpReceiver } from '../helpers/udp.js';

/** Two transports on real loopback sockets, signalled directly to each other. */
function pair(a: NativeEngine, b: NativeEngine, options: { family?: 'ipv4' | 'ipv6' } = {}): [Watched, Watched] {
  const ip = options.family === 'ipv6' ? '::1' : '127.0.0.1';
  const x = watch(a.createTransport({ role: 'controlling', bindAddresses: [ip] }));
  const y = watch(b.createTransport({ role: 'controlled', bindAddresses: [ip] }));
  signal(x, y);
  return [x, y];
}

describe('transports on the native I/O engine', () => {
  const engines: NativeEngine[] = [];
  const engine = (): NativeEngine => {
    const e = new NativeEngine();
    engines.push(e);
    return e;
  };
  after(() => engines.forEach((e) => e.close()));

  for (const family of ['ipv4', 'ipv6'] as const) {
    it(`moves RTP port -> SRTP -> peer -> plain RTP redirect between two engines (${family})`, async () => {
      const [x, y] = pair(engine(), engine(), { family });
      const ex = engines[engines.length - 2]!;
      await waitFor(() => isConnected(x) && isConnected(y), 5000, 'both transports connected');
      const port = ex.openUdpPort('127.0.0.1', 0);
      assert.ok(ex.attachPort(port.handle, x.transport.handle, 'rtp', 'video'));
      const out = await udpReceiver();
      try {
        y.transport.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: out.port });
        const sent = Array.from({ length: 100 }, (_, i) => rtpPacket(0xabc, i, i * 3000, 96, Buffer.alloc(1000, i)));
        // Paced like media, so the test's own receiving socket (a default-sized buffer) keeps up.
        for (let i = 0; i < sent.length; i += 10) {
          await sendDatagrams(port.port, sent.slice(i, i + 10));
          await new Promise((r) => setTimeout(r, 2));
        }
        await waitFor(() => out.packets.length === 100, 5000, 'all 100 packets redirected');
        assert.deepEqual(out.packets, sent);
        assert.equal(x.transport.stats().rtpSent, 100);
        assert.equal(y.transport.stats().rtpReceived, 100);
        assert.equal(y.transport.stats().redirected, 100);
        assert.equal(x.transport.stats().selectedRemote?.ip, family === 'ipv6' ? '::1' : '127.0.0.1');
      } finally {
        out.socket.close();
        x.transport.close();
        y.transport.close();
      }
    });
  }

  it('tells the peer when a transport closes, and frees its sockets', async () => {
    const e = engine();
    const [x, y] = pair(e, e);
    await waitFor(() => isConnected(x) && isConnected(y), 5000, 'connected');
    const sockets = x.transport.local.candidates.map((c) => c.port);
    x.transport.close();
    await waitFor(() => y.events.some((ev) => ev.kind === 'closed' && ev.text === 'remote'), 3000, 'remote close seen');
    for (const p of sockets) assert.equal(await bindableByAnotherProcess(p), true, `socket ${p} closed`);
    assert.throws(() => x.transport.stats(), /closed/);
    x.transport.addRemoteCandidate({ foundation: '1', component: 1, priority: 1, ip: '127.0.0.1', port: 9, type: 'host' });
    y.transport.close();
  });

  it('keeps working when a port feeding it is closed', async () => {
    const e = engine();
    const [x, y] = pair(e, e);
    await waitFor(() => isConnected(x) && isConnected(y), 5000, 'connected');
    const port = e.openUdpPort('127.0.0.1', 0);
    e.attachPort(port.handle, x.transport.handle, 'rtp', 'video');
    e.closeUdpPort(port.handle);
    assert.equal(e.attachPort(port.handle, x.transport.handle, 'rtp', 'video'), false, 'a closed port cannot be attached');
    const second = e.openUdpPort('127.0.0.1', 0);
    assert.ok(e.attachPort(second.handle, x.transport.handle, 'rtp', 'video'));
    const out = await udpReceiver();
    y.transport.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: out.port });
    await sendDatagrams(second.port, [rtpPacket(1, 1, 1, 96, Buffer.from('after'))]);
    await waitFor(() => out.packets.length === 1, 3000, 'forwarded');
    out.socket.close();
    x.transport.close();
    y.transport.close();
  });

  it('drops and counts what strangers send to a transport socket', async () => {
    const e = engine();
    const [x, y] = pair(e, e);
    await waitFor(() => isConnected(x) && isConnected(y), 5000, 'connected');
    const target = y.transport.local.candidates[0]!.port;
    await sendDatagrams(target, [
      rtpPacket(1, 1, 1, 96, Buffer.alloc(100)),
      Buffer.from([22, 254, 253, 1, 2, 3]),
      Buffer.alloc(0),
      Buffer.alloc(1200, 0xff),
    ]);
    await waitFor(() => (y.transport.stats().droppedUnauthenticatedSource as number) >= 3, 3000, 'drops counted');
    assert.equal(y.transport.stats().iceState === 'completed' || y.transport.stats().iceState === 'connected', true);
    x.transport.close();
    y.transport.close();
  });

  it('closing the engine says goodbye on every transport and closes every socket', async () => {
    const e = new NativeEngine();
    const peer = engine();
    const [x, y] = pair(e, peer);
    await waitFor(() => isConnected(x) && isConnected(y), 5000, 'connected');
    const port = x.transport.local.candidates[0]!.port;
    e.close();
    await waitFor(() => y.events.some((ev) => ev.kind === 'closed' && ev.text === 'remote'), 3000, 'remote close seen');
    assert.equal(await bindableByAnotherProcess(port), true);
    y.transport.close();
  });

  it('ten transports sharing one socket each get their own peer\'s media; closing the engine closes that socket', async () => {
    const shared = new NativeEngine();
    const bound = shared.openSharedSocket('127.0.0.1', 0);
    assert.throws(
      () => shared.openSharedSocket('127.0.0.1', 0),
      (e: unknown) => e instanceof GatewayError && e.code === 'RESOURCE_IN_USE' && errorCode(e) === 'ERR_SHARED_SOCKET_EXISTS',
    );
    const peers = engine();
    const pairs = Array.from({ length: 10 }, () => pair(shared, peers));
    const outs = await Promise.all(pairs.map(() => udpReceiver()));
    try {
      await waitFor(() => pairs.every(([x, y]) => isConnected(x) && isConnected(y)), 10000, 'all ten connected');
      for (const [x] of pairs) assert.deepEqual(x.transport.local.candidates.map((c) => c.port), [bound.port]);
      // Each peer sends its own packet to the one shared port; only its own transport may get it.
      for (let i = 0; i < pairs.length; i++) {
        const [x, y] = pairs[i]!;
        x.transport.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: outs[i]!.port });
        const port = peers.openUdpPort('127.0.0.1', 0);
        assert.ok(peers.attachPort(port.handle, y.transport.handle, 'rtp', 'video'));
        await sendDatagrams(port.port, [rtpPacket(0x100 + i, i, i, 96, Buffer.alloc(200, i))]);
      }
      await waitFor(() => outs.every((o) => o.packets.length === 1), 5000, 'one packet at each redirect');
      outs.forEach((o, i) => assert.equal(o.packets[0]!.readUInt32BE(8), 0x100 + i, `pair ${i} got its own peer's packet`));
      const stats = shared.stats().sharedSockets![0]!;
      assert.equal(stats.transports, 10);
      assert.ok(stats.routedByUfrag >= 10 && stats.routedByAddress >= 10, JSON.stringify(stats));
    } finally {
      for (const o of outs) o.socket.close();
    }
    shared.close();
    await waitFor(() => pairs.every(([, y]) => y.events.some((ev) => ev.kind === 'closed' && ev.text === 'remote')), 3000, 'every peer told');
    assert.equal(await bindableByAnotherProcess(bound.port), true, 'the shared socket is closed');
    for (const [, y] of pairs) y.transport.close();
  });

  it('leaves no thread or descriptor behind after many transports', async () => {
    const e = engine();
    const create = () => {
      const [x, y] = pair(e, e);
      return [x, y];
    };
    for (const w of create()) w.transport.close(); // warm-up
    const fds = fdCount();
    const threads = threadCount();
    for (let round = 0; round < 5; round++) {
      const all = Array.from({ length: 20 }, create).flat();
      await waitFor(() => all.every(isConnected), 10000, 'all connected');
      for (const w of all) w.transport.close();
    }
    assert.equal(fdCount(), fds, 'descriptors');
    assert.equal(threadCount(), threads, 'threads');
  });
});

describe('media_advertised_addresses on the native transport (1:1 NAT)', () => {
  const engine = new NativeEngine();
  after(() => engine.close());

  it("advertises the public IP with the socket's own port in place of the bound one, per bind address", () => {
    const t = engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1', '::1'], advertisedAddresses: ['198.51.100.7'] });
    try {
      const [v4, v6] = t.local.candidates;
      assert.ok(v4 && v6, JSON.stringify(t.local.candidates));
      assert.equal(v4?.type, 'host');
      assert.equal(v4?.ip, '198.51.100.7');
      assert.equal(v6?.ip, '::1', 'a bind address with no advertised IP keeps its own');
      // The port is the bound socket's: a datagram to it on the bound IP reaches the transport.
      assert.ok(v4.port > 0 && v4.sdp?.includes(`198.51.100.7 ${v4.port} typ host`), v4.sdp);
    } finally {
      t.close();
    }
  });

  it('refuses an advertised IP of the other family, or more of them than bind addresses', () => {
    assert.throws(() => engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], advertisedAddresses: ['2001:db8::1'] }), /family of bindAddresses\[0\]/);
    assert.throws(() => engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], advertisedAddresses: ['198.51.100.7', '198.51.100.8'] }), /must not outnumber/);
    assert.throws(() => engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], advertisedAddresses: ['example.com'] }), /not a numeric IP address: example.com/);
  });
});
