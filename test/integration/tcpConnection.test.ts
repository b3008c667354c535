import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { Worker } from 'node:worker_threads';

import { loadTestAddon, type RawTcpConnectionProbe, type RawTcpConnectionProbeOptions, type RawTcpProbeEvent } from '../helpers/native/testAddon.js';
import { Coturn, firstStunMessage, hasTurnServer } from '../helpers/coturn.js';
import { waitFor } from '../helpers/proc.js';
import { makeTestPki, type TestPki } from '../helpers/testPki.js';

const { sansio } = loadTestAddon();

/** A native TcpConnection on its own loop thread, with the events it reported. */
class Probe {
  readonly events: RawTcpProbeEvent[] = [];
  readonly native: RawTcpConnectionProbe;
  received = Buffer.alloc(0);

  constructor(options: Omit<RawTcpConnectionProbeOptions, 'onEvent'> = {}) {
    this.native = new sansio.TcpConnectionProbe({
      ...options,
      onEvent: (e) => {
        this.events.push(e);
        if (e.kind === 'data') this.received = Buffer.concat([this.received, e.data]);
      },
    });
  }

  kinds(): string[] {
    return this.events.filter((e) => e.kind !== 'data').map((e) => e.kind);
  }

  async waitFor(kind: RawTcpProbeEvent['kind'], timeoutMs = 5000): Promise<RawTcpProbeEvent> {
    await waitFor(() => this.events.some((e) => e.kind === kind), timeoutMs, `probe event ${kind} (saw ${this.kinds().join(', ')})`);
    return this.events.find((e) => e.kind === kind)!;
  }
}

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

/** Framed test messages: sequence (u32), length (u32), payload bytes derived from the sequence. */
function message(seq: number, size: number): Buffer {
  const m = Buffer.alloc(8 + size, seq & 0xff);
  m.writeUInt32BE(seq, 0);
  m.writeUInt32BE(size, 4);
  return m;
}

function parseMessages(stream: Buffer): { seqs: number[]; intact: boolean; rest: number } {
  const seqs: number[] = [];
  let intact = true;
  let offset = 0;
  while (offset + 8 <= stream.length) {
    const seq = stream.readUInt32BE(offset);
    const size = stream.readUInt32BE(offset + 4);
    if (offset + 8 + size > stream.length) break;
    const payload = stream.subarray(offset + 8, offset + 8 + size);
    if (!payload.every((b) => b === (seq & 0xff))) intact = false;
    seqs.push(seq);
    offset += 8 + size;
  }
  return { seqs, intact, rest: stream.length - offset };
}

describe('TcpConnection (native/io) against node:net servers', () => {
  const probes: Probe[] = [];
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  const probe = (options: Omit<RawTcpConnectionProbeOptions, 'onEvent'> = {}): Probe => {
    const p = new Probe(options);
    probes.push(p);
    return p;
  };
  const server = async (onSocket: (s: Socket) => void, host = '127.0.0.1'): Promise<number> => {
    const s = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      onSocket(socket);
    });
    servers.push(s);
    return listen(s, host);
  };

  after(async () => {
    for (const p of probes) p.native.dispose();
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('connects and carries 1 MiB both ways through an echo server, intact and in order', async () => {
    const port = await server((s) => s.pipe(s));
    const p = probe();
    p.native.connect('127.0.0.1', port);
    const connected = await p.waitFor('connected');
    assert.ok(connected.kind === 'connected');
    assert.match(connected.text, /^127\.0\.0\.1:\d+$/);
    const sent: Buffer[] = [];
    let total = 0;
    for (let i = 0; total < 1024 * 1024; i++) {
      const m = randomBytes(1 + ((i * 7919) % 20000));
      assert.equal(p.native.send(m), true);
      sent.push(m);
      total += m.length;
    }
    await waitFor(() => p.received.length >= total, 10000, 'the echo');
    assert.deepEqual(p.received, Buffer.concat(sent));
    const stats = p.native.stats();
    assert.equal(stats.state, 'connected');
    assert.equal(stats.bytesSent, total);
    assert.equal(stats.bytesReceived, total);
    assert.equal(stats.sendsDropped, 0);
    assert.equal(stats.localIp, '127.0.0.1');
    assert.equal(stats.eventsDropped, 0);
  });

  it('binds to the configured local address before connecting', async () => {
    let peer = '';
    const port = await server((s) => (peer = s.remoteAddress ?? ''));
    const p = probe({ localIp: '127.0.0.2' });
    p.native.connect('127.0.0.1', port);
    await p.waitFor('connected');
    await waitFor(() => peer !== '', 3000, 'the accept');
    assert.equal(peer, '127.0.0.2');
    assert.equal(p.native.stats().localIp, '127.0.0.2');
  });

  it('a connect that cannot start throws with the errno code and reports nothing', () => {
    const p = probe({ localIp: '::1' });
    assert.throws(() => p.native.connect('127.0.0.1', 9), (e: Error & { code?: string }) => e.code === 'EAFNOSUPPORT');
    assert.deepEqual(p.events, []);
  });

  it('a refused connection is one closed event with ECONNREFUSED and its text', async () => {
    const s = createServer();
    const port = await listen(s);
    await new Promise((resolve) => s.close(resolve));
    const p = probe();
    p.native.connect('127.0.0.1', port);
    const closed = await p.waitFor('closed');
    assert.ok(closed.kind === 'closed');
    assert.equal(closed.error, 111);
    assert.equal(closed.text, `TCP connect to 127.0.0.1:${port} failed: Connection refused`);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(p.kinds(), ['closed']);
    assert.equal(p.native.stats().state, 'closed');
    assert.equal(p.native.send(Buffer.from('late')), false, 'a closed connection drops');
  });

  it('a connect that gets no answer times out (ETIMEDOUT) at the configured deadline', async () => {
    // A listener whose accept queue is full drops further SYNs: its thread is blocked, so
    // nothing is accepted. All on loopback.
    const release = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const s = require('node:net').createServer();
       s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         parentPort.postMessage(s.address().port);
         Atomics.wait(workerData, 0, 0, 10000);
         process.exit(0);
       });`,
      { eval: true, workerData: release },
    );
    const port = await new Promise<number>((resolve) => worker.once('message', resolve));
    const fillers = [0, 1, 2].map(() => netConnect(port, '127.0.0.1').on('error', () => {}));
    try {
      await new Promise((r) => setTimeout(r, 100));
      const p = probe({ connectTimeoutMs: 300 });
      const started = Date.now();
      p.native.connect('127.0.0.1', port);
      const closed = await p.waitFor('closed', 5000);
      const elapsed = Date.now() - started;
      assert.ok(closed.kind === 'closed');
      assert.equal(closed.error, 110);
      assert.equal(closed.text, `TCP connect to 127.0.0.1:${port} timed out after 300 ms`);
      assert.ok(elapsed >= 280, `closed after ${elapsed} ms`);
      assert.deepEqual(p.kinds(), ['closed']);
    } finally {
      Atomics.store(release, 0, 1);
      Atomics.notify(release, 0);
      for (const f of fillers) f.destroy();
      await new Promise((resolve) => worker.once('exit', resolve));
    }
  });

  for (const pieces of [1, 3]) {
    it(`a server that stops reading: the queue fills to its bound, then messages${pieces > 1 ? ` sent in ${pieces} pieces` : ''} are dropped whole and counted; all accepted ones arrive intact`, async () => {
      let serverSide: Socket | undefined;
      let inbound = Buffer.alloc(0);
      const port = await server((s) => {
        serverSide = s;
        s.pause();
        s.on('data', (d: Buffer) => (inbound = Buffer.concat([inbound, d])));
      });
      const queueBytes = 64 * 1024;
      const p = probe({ sendQueueBytes: queueBytes });
      p.native.connect('127.0.0.1', port);
      await p.waitFor('connected');
      await waitFor(() => serverSide !== undefined, 3000, 'the accept');
      const size = 8192;
      const accepted: number[] = [];
      let refused = 0;
      // The kernel buffers of both ends absorb megabytes first: bounded by count.
      // In pieces (a header, a payload, padding) cut at uneven points, the kernel and the queue may split anywhere.
      const cut = (m: Buffer): Buffer | Buffer[] => (pieces === 1 ? m : [m.subarray(0, 4), m.subarray(4, m.length - 3), m.subarray(m.length - 3)]);
      for (let seq = 0; seq < 4000 && refused < 20; seq++) {
        if (p.native.send(cut(message(seq, size)))) accepted.push(seq);
        else refused++;
      }
      assert.equal(refused, 20, 'the queue filled up');
      const full = p.native.stats();
      assert.ok(full.queuedBytes <= queueBytes && full.queuePeakBytes <= queueBytes, `queued ${full.queuedBytes}, peak ${full.queuePeakBytes}`);
      assert.ok(full.queuedBytes > queueBytes - (size + 8), 'nearly full when it refused');
      assert.equal(full.sendsDropped, 20);
      assert.equal(full.bytesDropped, 20 * (size + 8));
      assert.ok(p.native.sendRoom() < size + 8);

      serverSide!.resume();
      const expected = accepted.length * (size + 8);
      await waitFor(() => inbound.length >= expected, 15000, `${expected} bytes at the server`);
      const parsed = parseMessages(inbound);
      assert.equal(parsed.rest, 0, 'no partial message');
      assert.equal(parsed.intact, true);
      assert.deepEqual(parsed.seqs, accepted, 'exactly the accepted messages, in order');
      await waitFor(() => p.native.stats().queuedBytes === 0, 3000, 'the queue to drain');
      assert.equal(p.native.stats().bytesSent, expected);
      assert.equal(p.native.send(cut(message(9999, 10))), true, 'room again once drained');
    });
  }

  it('the peer closing in order is one closed event with error 0, after its last bytes', async () => {
    const port = await server((s) => s.end('bye'));
    const p = probe();
    p.native.connect('127.0.0.1', port);
    const closed = await p.waitFor('closed');
    assert.ok(closed.kind === 'closed');
    assert.equal(closed.error, 0);
    assert.equal(closed.text, `the peer 127.0.0.1:${port} closed the connection`);
    assert.equal(p.received.toString(), 'bye');
    assert.deepEqual(p.kinds(), ['connected', 'closed']);
  });

  it('a reset is one closed event with ECONNRESET and its text', async () => {
    const port = await server((s) => setTimeout(() => s.resetAndDestroy(), 20));
    const p = probe();
    p.native.connect('127.0.0.1', port);
    const closed = await p.waitFor('closed');
    assert.ok(closed.kind === 'closed');
    assert.equal(closed.error, 104);
    assert.equal(closed.text, `TCP connection with 127.0.0.1:${port} failed: Connection reset by peer`);
    assert.deepEqual(p.kinds(), ['connected', 'closed']);
  });

  it('shutdown() sends what is queued, then FIN; the peer closing too ends it with error 0', async () => {
    let inbound = 0;
    let sawEnd = false;
    let serverSide: Socket | undefined;
    const port = await server((s) => {
      serverSide = s;
      s.pause();
      s.on('data', (d: Buffer) => (inbound += d.length));
      s.on('end', () => {
        sawEnd = true;
        s.end();
      });
    });
    const p = probe({ sendQueueBytes: 8 * 1024 * 1024 });
    p.native.connect('127.0.0.1', port);
    await p.waitFor('connected');
    const payload = randomBytes(6 * 1024 * 1024);
    assert.equal(p.native.send(payload), true);
    p.native.shutdown();
    assert.equal(p.native.stats().state, 'finishing');
    await waitFor(() => serverSide !== undefined, 3000, 'the accept');
    serverSide!.resume();
    const closed = await p.waitFor('closed', 10000);
    assert.ok(closed.kind === 'closed');
    assert.equal(closed.error, 0);
    assert.equal(closed.text, 'closed');
    assert.equal(sawEnd, true);
    assert.equal(inbound, payload.length, 'everything queued before the FIN arrived');
  });

  it('close() closes at once and reports nothing', async () => {
    let ended = false;
    const port = await server((s) => s.on('close', () => (ended = true)));
    const p = probe();
    p.native.connect('127.0.0.1', port);
    await p.waitFor('connected');
    p.native.close();
    await waitFor(() => ended, 3000, 'the server to see the close');
    assert.deepEqual(p.kinds(), ['connected']);
    assert.equal(p.native.stats().state, 'closed');
  });
});

// The seam a TURN client's `turns:` transport uses: TcpConnection chunks -> TlsClientStream ->
// plaintext; plaintext -> TlsClientStream -> ciphertext -> TcpConnection's bounded queue, with a
// relay message dropped whole before encryption when its records would not fit.
describe('TcpConnection carrying a TlsClientStream (turns:), natively', () => {
  let pki: TestPki;
  let echo: Server;
  let echoPort = 0;
  const serverSockets: TLSSocket[] = [];
  const probes: Probe[] = [];
  const probe = (options: Omit<RawTcpConnectionProbeOptions, 'onEvent'>): Probe => {
    const p = new Probe(options);
    probes.push(p);
    return p;
  };

  before(async () => {
    pki = makeTestPki();
    echo = createTlsServer({ key: pki.serverKey, cert: pki.serverCert }, (s) => {
      serverSockets.push(s);
      s.on('error', () => {});
      s.pipe(s);
    });
    echoPort = await listen(echo);
  });
  after(async () => {
    for (const p of probes) p.native.dispose();
    for (const s of serverSockets) s.destroy();
    await new Promise((resolve) => echo.close(resolve));
    pki.remove();
  });

  it('verifies the server, then echoes messages written before and after the handshake', async () => {
    const p = probe({ tls: { serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile } });
    p.native.connect('127.0.0.1', echoPort);
    const early = message(0, 100);
    assert.equal(p.native.send(early), true, 'kept until the handshake is done');
    const connected = await p.waitFor('tls-connected');
    assert.ok(connected.kind === 'tls-connected');
    assert.match(connected.text, /^TLSv1\.3 TLS_/);
    const later = [1, 2, 3].map((seq) => message(seq, seq * 20000));
    for (const m of later) assert.equal(p.native.send(m), true);
    const total = early.length + later.reduce((n, m) => n + m.length, 0);
    await waitFor(() => p.received.length >= total, 5000, 'the echo');
    assert.deepEqual(p.received, Buffer.concat([early, ...later]));
    const stats = p.native.stats();
    assert.equal(stats.tls?.plaintextSent, total);
    assert.equal(stats.tls?.plaintextReceived, total);
    assert.equal(stats.tls?.ciphertextSent, stats.bytesSent, 'every record went through the TCP queue');
  });

  it('a server that stops reading: relay messages are dropped whole before encryption, and the TLS stream survives', async () => {
    const known = serverSockets.length;
    const queueBytes = 64 * 1024;
    const p = probe({ sendQueueBytes: queueBytes, tls: { serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile } });
    p.native.connect('127.0.0.1', echoPort);
    await p.waitFor('tls-connected');
    await waitFor(() => serverSockets.length > known, 3000, 'the server side of the handshake');
    const serverSide = serverSockets[known]!;
    serverSide.pause();
    const size = 8192;
    const accepted: number[] = [];
    let refused = 0;
    for (let seq = 0; seq < 4000 && refused < 20; seq++) {
      if (p.native.send(message(seq, size))) accepted.push(seq);
      else refused++;
    }
    assert.equal(refused, 20, 'the queue filled up');
    const full = p.native.stats();
    assert.equal(full.tls?.plaintextDropped, 20, 'dropped as plaintext, whole');
    assert.equal(full.sendsDropped, 0, 'no ciphertext was ever dropped');
    assert.ok(full.queuePeakBytes <= queueBytes);
    serverSide.resume();
    const expected = accepted.length * (size + 8);
    await waitFor(() => p.received.length >= expected, 20000, `${expected} echoed bytes`);
    const parsed = parseMessages(p.received);
    assert.equal(parsed.intact, true);
    assert.equal(parsed.rest, 0);
    assert.deepEqual(parsed.seqs, accepted, 'exactly the accepted messages, in order, through TLS');
    assert.ok(!p.kinds().includes('tls-failed'), p.kinds().join(', '));
  });

  it('shutdown() sends close_notify and FIN; the server closing too ends the connection in order', async () => {
    const known = serverSockets.length;
    const p = probe({ tls: { serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile } });
    p.native.connect('127.0.0.1', echoPort);
    await p.waitFor('tls-connected');
    await waitFor(() => serverSockets.length > known, 3000, 'the server side of the handshake');
    let serverSawEnd = false;
    serverSockets[known]!.on('end', () => (serverSawEnd = true));
    p.native.shutdown();
    const closed = await p.waitFor('closed');
    assert.ok(closed.kind === 'closed');
    assert.equal(closed.error, 0);
    assert.equal(serverSawEnd, true);
    assert.deepEqual(p.kinds(), ['connected', 'tls-connected', 'closed'], 'no truncation reported: close_notify came first');
  });

  it('a certificate for another name: tls-failed with the reason, and the connection is closed', async () => {
    const p = probe({ tls: { serverName: 'turn.example.org', verify: 'ca-file', caFile: pki.caFile } });
    p.native.connect('127.0.0.1', echoPort);
    const failed = await p.waitFor('tls-failed');
    assert.ok(failed.kind === 'tls-failed');
    assert.match(failed.text, /^TLS handshake with turn\.example\.org failed: certificate verify failed: hostname mismatch/);
    assert.equal(p.native.stats().state, 'closed');
  });

  it("coturn's TLS listener answers an Allocate sent through it with the 401 challenge", { skip: !hasTurnServer() && 'coturn is not installed' }, async () => {
    const coturn = await Coturn.start({ tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile } });
    try {
      const p = probe({ tls: { serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile } });
      p.native.connect('127.0.0.1', coturn.port);
      const transactionId = randomBytes(12);
      const allocate = sansio.stunBuild({ method: 0x003, class: 'request', transactionId, attributes: [{ type: 0x0019, value: Buffer.from([17, 0, 0, 0]) }] });
      assert.equal(p.native.send(allocate), true);
      await waitFor(() => firstStunMessage(p.received) !== null, 5000, `the Allocate response (log: ${coturn.log().slice(-300)})`);
      const response = sansio.stunParse(firstStunMessage(p.received)!);
      assert.equal(response?.class, 'error');
      assert.equal(response?.transactionId, transactionId.toString('hex'));
      assert.equal(response?.errorCode?.code, 401);
      assert.equal(response?.realm, coturn.realm);
    } finally {
      await coturn.stop();
    }
  });
});
