import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';

import type { RawTurnServer } from '../../src/native/addon.js';
import type { TransportStats } from '../../src/native/NativeTypes.js';
import { NativeEngine } from '../../src/native/NativeEngine.js';
import { transportDescriptors } from '../../src/session/limits/transportDescriptors.js';
import { Coturn } from '../helpers/coturn.js';
import { waitFor } from '../helpers/proc.js';
import { makeTestPki, type TestPki } from '../helpers/testPki.js';
import { exchangeMedia, isConnected, relayOf, relayOnlyPair, turnFailures } from '../helpers/transportPair.js';

// TURN over TCP and TLS in the native media transport (RFC 8656 section 3.1, RFC 7065 turns:):
// the gateway side is relayOnly and reaches a real coturn through a TCP connection (plain or
// TLS) for a UDP allocation; ICE, DTLS, SRTP and consent all run through it. Then TURN on a
// shared media socket (media_shared_port), whose UDP allocations need sockets of their own.

describe('relayed candidates through coturn over TCP and TLS', () => {
  let pki: TestPki;
  let turn: Coturn; // TLS with the test CA's certificate, plain TCP and UDP on the same port
  let selfSigned: Coturn; // TLS with a self-signed certificate
  const engine = new NativeEngine();
  const base = { username: 'gw', credential: 'secret', host: 'localhost' };
  before(async () => {
    pki = makeTestPki();
    const users = [{ username: 'gw', password: 'secret' }];
    turn = await Coturn.start({ users, tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile } });
    selfSigned = await Coturn.start({ users, tls: { certFile: pki.selfSignedCertFile, keyFile: pki.selfSignedKeyFile } });
  });
  after(async () => {
    engine.close();
    await turn.stop();
    await selfSigned.stop();
    pki.remove();
  });

  const tcpServer = (): RawTurnServer => ({ ...base, ip: turn.ip, port: turn.port, transport: 'tcp', url: turn.url('tcp') });
  const tlsServer = (server: Coturn, verify: Pick<RawTurnServer, 'tlsVerify' | 'tlsCaFile'>): RawTurnServer => ({
    ...base,
    ip: server.ip,
    port: server.port,
    transport: 'tls',
    url: `turns:localhost:${server.port}?transport=tcp`,
    ...verify,
  });
  const deallocations = (server: Coturn): number => server.log().match(/username=<gw>, lifetime=0/g)?.length ?? 0;

  /** Connects through `server`, relays media both ways, checks the relay's stats, closes and sees the deallocation. */
  async function relayThrough(server: RawTurnServer, coturn: Coturn, seed: number): Promise<TransportStats> {
    const [gw, peer] = relayOnlyPair(engine, engine, [server]);
    try {
      await waitFor(() => isConnected(gw) && isConnected(peer), 10_000, `both transports connected through ${server.url} (${JSON.stringify(turnFailures(gw))})`);
      assert.deepEqual(turnFailures(gw), []);
      const relayCandidate = gw.events.find((e) => e.kind === 'local-candidate')?.candidate;
      assert.equal(relayCandidate?.type, 'relay');
      assert.equal(relayCandidate?.url, server.url);
      assert.equal(gw.transport.stats().selectedLocal?.url, server.url, 'the selected pair is the relay of that server');

      await exchangeMedia({ engine, watched: gw }, { engine, watched: peer }, 100, seed);
      const stats = gw.transport.stats();
      assert.equal(stats.rtpSent, 100);
      assert.equal(stats.rtpReceived, 100);
      assert.equal(stats.sendDropped, 0);
      const relay = relayOf(stats);
      assert.equal(relay.url, server.url);
      assert.equal(relay.transport, server.transport);
      assert.equal(relay.state, 'allocated');
      assert.equal(relay.streamState, 'open');
      assert.equal(relay.streamConnectAttempts, 1);
      assert.equal(relay.channelBinds, 1);
      assert.ok(relay.channelDataSent >= 100, `media left as ChannelData on the stream (${relay.channelDataSent})`);
      assert.ok(relay.channelDataReceived >= 100, `media came as ChannelData from the stream (${relay.channelDataReceived})`);
      assert.equal(relay.malformed, 0, 'the stream kept its framing (padding included)');
      assert.equal(relay.streamMessagesDropped, 0);
      assert.ok(relay.streamMessagesSent! >= relay.requests + relay.channelDataSent, `every request and ChannelData went whole (${relay.streamMessagesSent})`);
      // SRTP packets of 913..916 bytes (tag included) as padded ChannelData: at least that much went.
      assert.ok(relay.streamBytesSent! >= (stats.rtpBytesSent as number) + 100 * 4, `stream bytes ${relay.streamBytesSent}`);

      // Closing deallocates through the stream (a Refresh with LIFETIME 0), then the connection goes.
      const before = deallocations(coturn);
      gw.transport.close();
      await waitFor(() => deallocations(coturn) > before, 5000, `coturn logs the deallocation (log tail: ${coturn.log().slice(-1500)})`);
      // ...and after our FIN coturn closes too: nothing of the stream is left (the bound is 2 s).
      await waitFor(() => engine.stats().turnStreamsClosing === 0, 3000, 'the stream closed');
      return stats;
    } finally {
      gw.transport.close();
      peer.transport.close();
    }
  }

  it('connects through a relay reached over TCP and carries SRTP both ways byte-identical as padded ChannelData', async () => {
    const stats = await relayThrough(tcpServer(), turn, 1);
    assert.equal(relayOf(stats).tlsVersion, undefined);
  });

  it("over TLS with tlsVerify 'ca-file' and the test CA: verified, and the stats name the TLS version and cipher", async () => {
    const stats = await relayThrough(tlsServer(turn, { tlsVerify: 'ca-file', tlsCaFile: pki.caFile }), turn, 2);
    const relay = relayOf(stats);
    assert.match(relay.tlsVersion ?? '', /^TLSv1\.[23]$/);
    assert.ok((relay.tlsCipher ?? '').length > 0);
    assert.equal(relay.tlsVerified, true);
  });

  it("over TLS with tlsVerify 'none' against a self-signed certificate: connects, unverified", async () => {
    const stats = await relayThrough(tlsServer(selfSigned, { tlsVerify: 'none' }), selfSigned, 3);
    assert.equal(relayOf(stats).tlsVerified, false);
  });

  it('shares one TLS context per verification policy across transports', () => {
    const contexts = engine.stats().tlsContexts!;
    const servers = [tlsServer(turn, { tlsVerify: 'ca-file', tlsCaFile: pki.caFile }), tlsServer(selfSigned, { tlsVerify: 'none' })];
    const made = [1, 2, 3].map(() => engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], turnServers: servers }));
    try {
      assert.equal(engine.stats().tlsContexts, contexts, 'the two policies used above are reused, not made again');
      const other = engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], turnServers: [tlsServer(turn, { tlsVerify: 'ca-file', tlsCaFile: pki.serverCertFile })] });
      other.close();
      assert.equal(engine.stats().tlsContexts, contexts + 1, 'another CA file is another context');
    } finally {
      for (const t of made) t.close();
    }
  });

  it("over TLS with the default 'system' policy against the self-signed certificate: turn-failed names the server and the verify error", async () => {
    const server = tlsServer(selfSigned, {});
    const [gw, peer] = relayOnlyPair(engine, engine, [server]);
    try {
      await waitFor(() => turnFailures(gw).length > 0 && gw.events.some((e) => e.kind === 'gathering-complete'), 10_000, 'the relay fails');
      const [failure] = turnFailures(gw);
      assert.ok(failure!.startsWith(`${server.url} TLS handshake with localhost failed: certificate verify failed: self-signed certificate`), failure);
      assert.equal(turnFailures(gw).length, 1);
      assert.equal(gw.events.filter((e) => e.kind === 'local-candidate').length, 0);
      const relay = relayOf(gw.transport.stats());
      assert.equal(relay.state, 'failed');
      assert.equal(relay.transport, 'tls');
      assert.equal(relay.requests, 0, 'no TURN request left before the certificate was accepted');
      assert.equal(relay.streamConnectAttempts, 1);
      assert.equal(relay.streamState, 'failed');
    } finally {
      gw.transport.close();
      peer.transport.close();
    }
  });

  it('a refused TCP port: turn-failed names the server and the refusal, after one attempt and no more', async () => {
    const port = await closedTcpPort();
    const server: RawTurnServer = { ...base, ip: '127.0.0.1', port, transport: 'tcp', url: `turn:127.0.0.1:${port}?transport=tcp` };
    const [gw, peer] = relayOnlyPair(engine, engine, [server]);
    try {
      await waitFor(() => turnFailures(gw).length > 0, 5000, 'the relay fails');
      assert.deepEqual(turnFailures(gw), [`${server.url} TCP connect to 127.0.0.1:${port} failed: Connection refused`]);
      await new Promise((r) => setTimeout(r, 1500));
      const relay = relayOf(gw.transport.stats());
      assert.equal(relay.streamConnectAttempts, 1, 'no reconnect');
      assert.equal(turnFailures(gw).length, 1);
      assert.ok(gw.events.some((e) => e.kind === 'gathering-complete'));
    } finally {
      gw.transport.close();
      peer.transport.close();
    }
  });

  it('a server that accepts and hangs up: one connection in all, and turn-failed says the server closed it', async () => {
    let accepted = 0;
    const hangUp: Server = createServer((socket) => {
      accepted++;
      socket.destroy();
    });
    await new Promise<void>((r) => hangUp.listen(0, '127.0.0.1', () => r()));
    const port = (hangUp.address() as { port: number }).port;
    const server: RawTurnServer = { ...base, ip: '127.0.0.1', port, transport: 'tcp', url: `turn:127.0.0.1:${port}?transport=tcp` };
    const [gw, peer] = relayOnlyPair(engine, engine, [server]);
    try {
      await waitFor(() => turnFailures(gw).length > 0, 5000, 'the relay fails');
      const [failure] = turnFailures(gw);
      assert.match(failure!, new RegExp(`^turn:127\\.0\\.0\\.1:${port}\\?transport=tcp (the peer 127\\.0\\.0\\.1:${port} closed the connection|TCP connection with 127\\.0\\.0\\.1:${port} failed: Connection reset by peer)$`));
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(accepted, 1, 'one connection attempt per gathering');
      assert.equal(turnFailures(gw).length, 1);
    } finally {
      gw.transport.close();
      peer.transport.close();
      await new Promise((r) => hangUp.close(r));
    }
  });

  it('a server that goes away after the allocation: turn-failed says the connection ended, and the stream is let go', async () => {
    const doomed = await Coturn.start({ users: [{ username: 'gw', password: 'secret' }] });
    const server: RawTurnServer = { ...base, ip: doomed.ip, port: doomed.port, transport: 'tcp', url: doomed.url('tcp') };
    const [gw, peer] = relayOnlyPair(engine, engine, [server]);
    try {
      await waitFor(() => isConnected(gw) && isConnected(peer), 10_000, 'connected through the relay');
      await doomed.stop();
      await waitFor(() => turnFailures(gw).length > 0, 5000, 'the relay fails');
      const [failure] = turnFailures(gw);
      assert.match(failure!, new RegExp(`^${server.url.replace(/[.?]/g, '\\$&')} (the peer 127\\.0\\.0\\.1:${doomed.port} closed the connection|TCP connection with 127\\.0\\.0\\.1:${doomed.port} failed: .+)$`));
      const relay = relayOf(gw.transport.stats());
      assert.equal(relay.state, 'failed');
      assert.equal(relay.streamState, 'failed');
      assert.equal(relay.streamConnectAttempts, 1, 'not reopened');
      await waitFor(() => engine.stats().turnStreamsClosing === 0, 3000, 'the dead stream destroyed');
    } finally {
      gw.transport.close();
      peer.transport.close();
      await doomed.stop();
    }
  });

  it("refuses tlsVerify 'ca-file' without a readable CA file, and tlsCaFile without 'ca-file'", () => {
    const missing = tlsServer(turn, { tlsVerify: 'ca-file', tlsCaFile: '/nonexistent/ca.pem' });
    assert.throws(() => engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], turnServers: [missing] }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'ERR_TLS_CONTEXT');
      assert.match(e.message, /cannot load the CA file '\/nonexistent\/ca\.pem'/);
      assert.ok(e.message.startsWith(missing.url), e.message);
      return true;
    });
    assert.throws(() => engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], turnServers: [tlsServer(turn, { tlsVerify: 'ca-file' })] }), /needs tlsCaFile/);
    assert.throws(() => engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], turnServers: [tlsServer(turn, { tlsCaFile: pki.caFile })] }), /only for tlsVerify 'ca-file'/);
  });
});

describe('TURN on a shared media socket (media_shared_port)', () => {
  let turn: Coturn;
  const gateway = new NativeEngine();
  const peers = new NativeEngine();
  let shared: { ip: string; port: number };
  before(async () => {
    turn = await Coturn.start({ users: [{ username: 'gw', password: 'secret' }] });
    // Every transport the gateway engine makes on 127.0.0.1 has its host candidate here.
    shared = gateway.openSharedSocket('127.0.0.1', 0);
  });
  after(async () => {
    gateway.close();
    peers.close();
    await turn.stop();
  });

  it('two transports on one shared socket each get an allocation of their own over UDP and both connect relayed', async () => {
    const server: RawTurnServer = { ip: turn.ip, port: turn.port, transport: 'udp', host: 'localhost', username: 'gw', credential: 'secret', url: turn.url('udp') };
    const pairs = [relayOnlyPair(gateway, peers, [server]), relayOnlyPair(gateway, peers, [server])];
    try {
      await waitFor(() => pairs.every(([gw, peer]) => isConnected(gw) && isConnected(peer)), 10_000, 'both pairs connected through the relay');
      for (const [gw] of pairs) {
        assert.deepEqual(turnFailures(gw), []);
        assert.equal(gw.transport.stats().selectedLocal?.type, 'relay');
      }
      const relays = pairs.map(([gw]) => relayOf(gw.transport.stats()));
      assert.ok(relays.every((r) => r.state === 'allocated' && r.transport === 'udp'));
      assert.notEqual(relays[0]!.relayed, relays[1]!.relayed, 'two different allocations');
      // (coturn answers a second Allocate from one 5-tuple with 437 Allocation Mismatch: two
      // allocations mean two client sockets.)
      const sharedStats = gateway.stats().sharedSockets?.find((s) => s.address === `127.0.0.1:${shared.port}`);
      assert.equal(sharedStats?.transports, 2, 'both transports still have their host candidate on the shared socket');

      let seed = 10;
      for (const [gw, peer] of pairs) await exchangeMedia({ engine: gateway, watched: gw }, { engine: peers, watched: peer }, 30, seed++);
      for (const [gw] of pairs) {
        const relay = relayOf(gw.transport.stats());
        assert.ok(relay.channelDataSent >= 30 && relay.channelDataReceived >= 30, JSON.stringify(relay));
      }
    } finally {
      for (const [gw, peer] of pairs) {
        gw.transport.close();
        peer.transport.close();
      }
    }
  });

  it('a transport opens the descriptors the admission budget counts for it (transportDescriptors)', async () => {
    const udp: RawTurnServer = { ip: turn.ip, port: turn.port, transport: 'udp', host: 'localhost', username: 'gw', credential: 'secret', url: turn.url('udp') };
    const tcp: RawTurnServer = { ...udp, transport: 'tcp', url: turn.url('tcp') };
    const turnServers = [udp, tcp];
    const openFds = (): number => readdirSync('/proc/self/fd').length;
    // The gateway engine has its shared socket on 127.0.0.1; `peers` binds a socket per transport.
    for (const [engine, sharedPort] of [[gateway, true], [peers, false]] as const) {
      const before = openFds();
      const transport = engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], turnServers });
      try {
        // One less than counted: the count keeps one of slack for a DTLS retry.
        assert.equal(openFds() - before, transportDescriptors({ bindAddresses: ['127.0.0.1'], sharedPort, turnServers }) - 1, `shared port: ${sharedPort}`);
      } finally {
        transport.close();
      }
      await waitFor(() => engine.stats().turnStreamsClosing === 0 && openFds() === before, 3000, 'every descriptor closed again');
    }
  });
});

/** A loopback TCP port nothing listens on (bound and closed again). */
async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}
