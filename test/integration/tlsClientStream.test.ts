import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';

import { loadTestAddon, TEST_ADDON_DIR, type RawTlsClientStreamOptions } from '../helpers/native/testAddon.js';
import { Coturn, firstStunMessage, hasTurnServer } from '../helpers/coturn.js';
import { waitFor } from '../helpers/proc.js';
import { makeTestPki, type TestPki } from '../helpers/testPki.js';
import { seededRandom } from '../helpers/seededRandom.js';
import { nowUs, splitAtRandom, TlsOverSocket } from '../helpers/tlsOverSocket.js';

const { sansio } = loadTestAddon();
const RECORD_OVERHEAD_BOUND = 64; // TlsClientStream::maxCiphertextSize: per 16 KiB record

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A node:tls server that echoes every byte back, in writes cut at random points. */
class EchoServer {
  readonly server;
  readonly sockets: TLSSocket[] = [];
  readonly serverNames: (string | false)[] = [];
  port = 0;

  constructor(key: Buffer, cert: Buffer, extra: Record<string, unknown> = {}) {
    const random = seededRandom(7);
    this.server = createTlsServer({ key, cert, ...extra }, (socket) => {
      this.sockets.push(socket);
      this.serverNames.push(socket.servername ?? false);
      socket.on('data', (chunk: Buffer) => {
        for (const piece of splitAtRandom(chunk, random)) socket.write(piece);
      });
      socket.on('error', () => {});
    });
  }

  async start(): Promise<this> {
    this.port = await listen(this.server);
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await closeServer(this.server);
  }
}

describe('TlsClientStream (sans-IO TLS client) over TCP against node:tls', () => {
  let pki: TestPki;
  let echo: EchoServer;
  let selfSigned: EchoServer;
  const clients: TlsOverSocket[] = [];
  const client = (options: RawTlsClientStreamOptions, port: number, seed = 1): TlsOverSocket => {
    const c = new TlsOverSocket(options, port, seededRandom(seed));
    clients.push(c);
    return c;
  };

  before(async () => {
    pki = makeTestPki();
    echo = await new EchoServer(pki.serverKey, pki.serverCert).start();
    selfSigned = await new EchoServer(pki.selfSignedKey, pki.selfSignedCert).start();
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await echo.stop();
    await selfSigned.stop();
    pki.remove();
  });

  it('with the CA file: handshake, SNI, and bytes echoed both ways intact from 1 B to 64 KiB, chunked at random points', async () => {
    const c = client({ serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile }, echo.port, 11);
    await c.waitForEvent('connected');
    const stats = c.stream.stats();
    assert.equal(stats.state, 'connected');
    assert.equal(stats.version, 'TLSv1.3');
    assert.match(stats.cipher ?? '', /^TLS_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305)_SHA(256|384)$/);
    assert.equal(stats.verified, true);
    assert.equal(stats.trustSource, pki.caFile);
    assert.ok(stats.handshakeUs !== null && stats.handshakeUs > 0);
    await waitFor(() => echo.serverNames.length > 0, 3000, 'the server side of the handshake');
    assert.deepEqual(echo.serverNames, ['localhost'], 'the server saw SNI localhost');

    const sizes = [1, 7, 100, 1400, 16383, 16384, 16385, 40000, 65536];
    let expectedTotal = 0;
    for (const size of sizes) {
      const payload = randomBytes(size);
      const sentBefore = c.stream.stats().ciphertextSent;
      const { refused, pieces } = c.write(payload);
      assert.equal(refused, 0);
      const ciphertext = c.stream.stats().ciphertextSent - sentBefore;
      const bound = pieces.reduce((sum, p) => sum + p.length + Math.ceil(p.length / 16384) * RECORD_OVERHEAD_BOUND, 0);
      assert.ok(ciphertext > size && ciphertext <= bound, `${size} B in ${pieces.length} writes became ${ciphertext} B of records`);
      expectedTotal += size;
      await c.waitForReceived(expectedTotal);
      assert.deepEqual(c.takeReceived(), payload, `${size} B came back intact`);
    }
    const after = c.stream.stats();
    assert.equal(after.plaintextSent, expectedTotal);
    assert.equal(after.plaintextReceived, expectedTotal);
    assert.equal(after.ciphertextReceived, c.socketBytes, 'every byte from the socket was fed to TLS');
    assert.equal(after.ciphertextIgnored, 0);
    assert.equal(after.writesRefused, 0);
    assert.equal(after.outputOverflow, 0);
  });

  it('an IP literal is checked against the certificate IP address and sent without SNI (RFC 6066 section 3)', async () => {
    const names = echo.serverNames.length;
    const c = client({ serverName: '127.0.0.1', verify: 'ca-file', caFile: pki.caFile }, echo.port);
    await c.waitForEvent('connected');
    await waitFor(() => echo.serverNames.length > names, 3000, 'the server side of the handshake');
    assert.equal(echo.serverNames[names], false, 'no server_name extension');
    c.stream.writePlaintext(Buffer.from('ip'));
    c.pump();
    await c.waitForReceived(2);
    assert.equal(c.takeReceived().toString(), 'ip');
  });

  it('a self-signed server certificate fails system verification with a clear reason', async () => {
    const c = client({ serverName: 'localhost' }, selfSigned.port);
    const failed = await c.waitForEvent('failed');
    assert.ok(failed.kind === 'failed');
    assert.match(failed.reason, /^TLS handshake with localhost failed: certificate verify failed: self-signed certificate \[CN=localhost\]$/);
    assert.equal(c.stream.state(), 'failed');
    assert.equal(c.stream.stats().failureReason, failed.reason);
    assert.equal(c.events.filter((e) => e.kind === 'connected').length, 0);
    assert.equal(c.stream.writePlaintext(Buffer.from('x')), false, 'a failed stream refuses writes');
    assert.equal(c.stream.stats().writesRefused, 1);
  });

  it('a CA file that does not hold the server issuer fails too (self-signed server, test CA trusted)', async () => {
    const c = client({ serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile }, selfSigned.port);
    const failed = await c.waitForEvent('failed');
    assert.ok(failed.kind === 'failed');
    assert.match(failed.reason, /certificate verify failed: self-signed certificate/);
    assert.match(failed.reason, new RegExp(`trusting only ${pki.caFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('a trusted certificate for another name fails with hostname mismatch (DNS name and IP address)', async () => {
    const byName = client({ serverName: 'wrong.example', verify: 'ca-file', caFile: pki.caFile }, echo.port);
    const nameFailure = await byName.waitForEvent('failed');
    assert.ok(nameFailure.kind === 'failed');
    assert.match(nameFailure.reason, /^TLS handshake with wrong\.example failed: certificate verify failed: hostname mismatch \(the certificate is not for wrong\.example\) \[CN=localhost\]/);
    const byIp = client({ serverName: '127.0.0.2', verify: 'ca-file', caFile: pki.caFile }, echo.port);
    const ipFailure = await byIp.waitForEvent('failed');
    assert.ok(ipFailure.kind === 'failed');
    assert.match(ipFailure.reason, /certificate verify failed: IP address mismatch \(the certificate is not for 127\.0\.0\.2\)/);
  });

  it('verify: none accepts the self-signed certificate (and says it did not verify)', async () => {
    const c = client({ serverName: 'localhost', verify: 'none' }, selfSigned.port);
    await c.waitForEvent('connected');
    assert.equal(c.stream.stats().verified, false);
    assert.equal(c.stream.stats().trustSource, '');
    c.stream.writePlaintext(Buffer.from('lab'));
    c.pump();
    await c.waitForReceived(3);
    assert.equal(c.takeReceived().toString(), 'lab');
  });

  it('system verification follows SSL_CERT_FILE / SSL_CERT_DIR (OpenSSL defaults): the test CA there is trusted', async () => {
    const saved = { file: process.env['SSL_CERT_FILE'], dir: process.env['SSL_CERT_DIR'] };
    process.env['SSL_CERT_FILE'] = pki.caFile;
    process.env['SSL_CERT_DIR'] = pki.dir; // no hashed links: the file alone counts
    let c: TlsOverSocket;
    try {
      c = client({ serverName: 'localhost' }, echo.port);
    } finally {
      for (const [name, value] of [['SSL_CERT_FILE', saved.file], ['SSL_CERT_DIR', saved.dir]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    await c.waitForEvent('connected');
    assert.equal(c.stream.stats().trustSource, pki.caFile);
    assert.equal(c.stream.stats().verified, true);
  });

  it('a CA file that cannot be read is a control-path error with a code', () => {
    assert.throws(() => new sansio.TlsClientStream({ serverName: 'localhost', verify: 'ca-file', caFile: '/nonexistent/ca.pem' }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'ERR_TLS_CONTEXT');
      assert.match(e.message, /cannot load the CA file '\/nonexistent\/ca\.pem'/);
      return true;
    });
  });

  it('negotiates TLS 1.2 with an ECDHE AEAD suite when the server stops there, and refuses TLS 1.1', async () => {
    const tls12 = await new EchoServer(pki.serverKey, pki.serverCert, { maxVersion: 'TLSv1.2' }).start();
    const tls11 = await new EchoServer(pki.serverKey, pki.serverCert, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }).start();
    try {
      const c = client({ serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile }, tls12.port);
      await c.waitForEvent('connected');
      assert.equal(c.stream.stats().version, 'TLSv1.2');
      assert.match(c.stream.stats().cipher ?? '', /^ECDHE-ECDSA-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)$/);
      const payload = randomBytes(20000);
      assert.equal(c.write(payload).refused, 0);
      await c.waitForReceived(payload.length);
      assert.deepEqual(c.takeReceived(), payload);

      const old = client({ serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile }, tls11.port);
      const failed = await old.waitForEvent('failed');
      assert.ok(failed.kind === 'failed');
      assert.match(failed.reason, /^TLS handshake with localhost failed: .*(protocol version|unsupported protocol)/);
    } finally {
      await tls12.stop();
      await tls11.stop();
    }
  });

  it('plaintext written before the handshake is sent once connected, in order; over the bound it is refused and counted', async () => {
    const c = client({ serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile, maxPendingPlaintextBytes: 1000 }, echo.port);
    assert.equal(c.stream.writePlaintext(Buffer.from('first,')), true, 'before start()');
    assert.equal(c.stream.writePlaintext(Buffer.alloc(994, 0x61)), true, 'up to the bound');
    assert.equal(c.stream.writePlaintext(Buffer.from('x')), false, 'over the bound');
    assert.equal(c.stream.stats().writesRefused, 1);
    await c.waitForEvent('connected');
    c.stream.writePlaintext(Buffer.from(',after'));
    c.pump();
    await c.waitForReceived(1006);
    assert.equal(c.takeReceived().toString(), `first,${'a'.repeat(994)},after`);
  });

  it('close() sends close_notify: the server sees the end of the TLS stream while TCP stays open', async () => {
    const known = echo.sockets.length;
    const c = client({ serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile }, echo.port);
    await c.waitForEvent('connected');
    await waitFor(() => echo.sockets.length > known, 3000, 'the server side of the handshake');
    let ourFinBeforeTheEnd: boolean | undefined;
    echo.sockets[known]!.on('end', () => (ourFinBeforeTheEnd = c.socket.writableEnded));
    const sentBefore = c.stream.stats().ciphertextSent;
    c.stream.close();
    c.pump();
    assert.ok(c.stream.stats().ciphertextSent > sentBefore, 'an alert record was written');
    assert.equal(c.stream.state(), 'closed');
    await waitFor(() => ourFinBeforeTheEnd !== undefined, 3000, 'the server to see close_notify');
    assert.equal(ourFinBeforeTheEnd, false, 'the server saw the end before any TCP FIN of ours');
    assert.equal(c.stream.writePlaintext(Buffer.from('late')), false);
    assert.deepEqual(c.events.map((e) => e.kind), ['connected'], 'our own close reports nothing');
  });

  it("the server's close_notify reports closed and is answered with ours; the TCP end after it is no failure", async () => {
    const known = echo.sockets.length;
    const c = client({ serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile }, echo.port);
    await c.waitForEvent('connected');
    await waitFor(() => echo.sockets.length > known, 3000, 'the server side of the handshake');
    const serverSocket = echo.sockets[known]!;
    let serverSawOurCloseNotify = false;
    serverSocket.on('end', () => (serverSawOurCloseNotify = true));
    serverSocket.end();
    await c.waitForEvent('closed');
    assert.equal(c.stream.state(), 'closed');
    await waitFor(() => serverSawOurCloseNotify, 3000, 'our answering close_notify');
    await waitFor(() => c.socketEnded, 3000, 'the TCP end');
    assert.deepEqual(c.events.map((e) => e.kind), ['connected', 'closed']);
  });
});

describe('TlsClientStream against servers that misbehave', () => {
  let pki: TestPki;
  const servers: Server[] = [];
  const clients: TlsOverSocket[] = [];
  const rawServer = async (onSocket: (s: Socket) => void): Promise<number> => {
    const server = createNetServer((s) => {
      s.on('error', () => {});
      onSocket(s);
    });
    servers.push(server);
    return listen(server);
  };
  const client = (port: number, options: Partial<RawTlsClientStreamOptions> = {}): TlsOverSocket => {
    const c = new TlsOverSocket({ serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile, ...options }, port, seededRandom(3));
    clients.push(c);
    return c;
  };

  before(() => {
    pki = makeTestPki();
  });
  after(async () => {
    for (const c of clients) c.destroy();
    for (const s of servers) {
      s.unref();
      s.close();
    }
    pki.remove();
  });

  it('a plain-text answer (not TLS) fails the handshake', async () => {
    const port = await rawServer((s) => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    const c = client(port);
    const failed = await c.waitForEvent('failed');
    assert.ok(failed.kind === 'failed');
    assert.equal(failed.reason, 'TLS handshake with localhost failed: wrong version number');
    assert.equal(c.receivedBytes, 0);
  });

  it('a record header announcing 64 KiB followed by 1 MiB of garbage fails at the header: nothing is buffered, the rest is ignored', async () => {
    const garbage = randomBytes(1024 * 1024);
    garbage.set([0x16, 0x03, 0x03, 0xff, 0xff], 0);
    const port = await rawServer((s) => s.write(garbage));
    const c = client(port);
    const failed = await c.waitForEvent('failed');
    assert.ok(failed.kind === 'failed');
    assert.equal(failed.reason, 'TLS handshake with localhost failed: packet length too long');
    await waitFor(() => c.socketBytes === garbage.length, 5000, 'the whole megabyte');
    const stats = c.stream.stats();
    assert.ok(stats.ciphertextReceived <= 16384, `${stats.ciphertextReceived} B reached OpenSSL`);
    assert.equal(stats.ciphertextReceived + stats.ciphertextIgnored, garbage.length, 'every byte is counted');
    assert.equal(c.events.length, 1, 'one failure, nothing after it');
  });

  it('garbage after the handshake fails the connection (bad record MAC), without plaintext', async () => {
    const secure = createTlsServer({ key: pki.serverKey, cert: pki.serverCert }, (s) => s.on('error', () => {}));
    servers.push(secure);
    const c = client(await listen(secure));
    await c.waitForEvent('connected');
    const record = randomBytes(5 + 64);
    record.set([0x17, 0x03, 0x03, 0x00, 0x40], 0);
    c.stream.handleCiphertext(nowUs(), record);
    c.pump();
    const failed = await c.waitForEvent('failed');
    assert.ok(failed.kind === 'failed');
    assert.match(failed.reason, /^TLS connection with localhost failed: (bad record mac|decryption failed)/);
    assert.equal(c.receivedBytes, 0);
  });

  it('a TCP end without close_notify is reported as truncation, during and after the handshake', async () => {
    const silentThenGone = await rawServer((s) => setTimeout(() => s.end(), 50));
    const early = client(silentThenGone);
    const earlyFailure = await early.waitForEvent('failed');
    assert.ok(earlyFailure.kind === 'failed');
    assert.equal(earlyFailure.reason, 'TLS handshake with localhost failed: the server closed the connection');

    const secure = createTlsServer({ key: pki.serverKey, cert: pki.serverCert }, (s) => {
      s.on('error', () => {});
      // The raw TCP socket under the TLS one: its end is a FIN with no close_notify before it.
      setTimeout(() => (s as unknown as { _parent: Socket | null })._parent?.end() ?? s.destroy(), 100);
    });
    servers.push(secure);
    const late = client(await listen(secure));
    await late.waitForEvent('connected');
    const lateFailure = await late.waitForEvent('failed');
    assert.ok(lateFailure.kind === 'failed');
    assert.equal(lateFailure.reason, 'the TLS connection with localhost ended without close_notify (truncated)');
  });

  it('a server that never answers fails at the handshake deadline (time is an input: no waiting)', async () => {
    const port = await rawServer(() => {});
    const c = client(port, { handshakeTimeoutMs: 500 });
    await waitFor(() => c.stream.state() === 'connecting', 3000, 'the ClientHello');
    const deadline = c.stream.nextTimeout();
    assert.ok(deadline !== null);
    c.stream.handleTimeout(deadline - 1);
    assert.equal(c.stream.state(), 'connecting');
    c.stream.handleTimeout(deadline);
    c.pump();
    assert.deepEqual(c.events, [{ kind: 'failed', reason: 'TLS handshake with localhost timed out after 500 ms' }]);
    assert.equal(c.stream.nextTimeout(), null);
  });
});

describe("the 'system' trust store as Node's OpenSSL finds it on this machine", () => {
  const trustPaths = (env: Record<string, string>): { certDir: string; certFile: string; systemTrust: string | null } => {
    const script = `console.log(JSON.stringify(require('node-gyp-build')(${JSON.stringify(TEST_ADDON_DIR)}).sansio.tlsTrustPaths()))`;
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'SSL_CERT_FILE' && k !== 'SSL_CERT_DIR'));
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...clean, ...env }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { certDir: string; certFile: string; systemTrust: string | null };
  };

  it("Node's OPENSSLDIR is /etc/ssl: the hashed links of Debian's /etc/ssl/certs serve as they are", { skip: !existsSync('/etc/debian_version') }, () => {
    const paths = trustPaths({});
    assert.equal(paths.certDir, '/etc/ssl/certs');
    assert.equal(paths.certFile, '/etc/ssl/cert.pem');
    assert.equal(paths.systemTrust, '/etc/ssl/certs');
  });

  it('when the defaults find nothing, the distribution bundle file is loaded instead', { skip: !existsSync('/etc/ssl/certs/ca-certificates.crt') }, () => {
    const paths = trustPaths({ SSL_CERT_FILE: '/nonexistent/cert.pem', SSL_CERT_DIR: '/nonexistent' });
    assert.equal(paths.systemTrust, '/etc/ssl/certs/ca-certificates.crt');
  });
});

describe("TlsClientStream against coturn's TLS listener (turns:, RFC 8656 section 3.1)", { skip: !hasTurnServer() && 'coturn is not installed' }, () => {
  let pki: TestPki;
  let coturn: Coturn;
  const clients: TlsOverSocket[] = [];

  before(async () => {
    pki = makeTestPki();
    coturn = await Coturn.start({ tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile } });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await coturn.stop();
    pki.remove();
  });

  it('an Allocate request through the verified TLS stream gets the 401 challenge with REALM and NONCE', async () => {
    const c = new TlsOverSocket({ serverName: 'localhost', verify: 'ca-file', caFile: pki.caFile }, coturn.port, seededRandom(5));
    clients.push(c);
    // Written before the handshake: it leaves once the handshake is done.
    const transactionId = randomBytes(12);
    const allocate = sansio.stunBuild({ method: 0x003, class: 'request', transactionId, attributes: [{ type: 0x0019, value: Buffer.from([17, 0, 0, 0]) }] });
    assert.equal(c.stream.writePlaintext(allocate), true);
    await c.waitForEvent('connected');
    assert.equal(c.stream.stats().verified, true);
    assert.match(c.stream.stats().version ?? '', /^TLSv1\.[23]$/);
    // STUN over a stream: the header's length says where the message ends (RFC 8489 section 6.2.2).
    let bytes = Buffer.alloc(0);
    await waitFor(() => firstStunMessage((bytes = Buffer.concat([bytes, c.takeReceived()]))) !== null, 3000, 'the whole STUN response');
    const response = sansio.stunParse(firstStunMessage(bytes)!);
    assert.ok(response, 'a STUN message');
    assert.equal(response.method, 0x003);
    assert.equal(response.class, 'error');
    assert.equal(response.transactionId, transactionId.toString('hex'));
    assert.equal(response.errorCode?.code, 401);
    assert.equal(response.realm, coturn.realm);
    assert.ok((response.nonce ?? '').length > 0, 'a nonce to answer with');
    c.stream.close();
    c.pump();
  });
});
