// The arm64 prebuild at work, run by an arm64 Node under qemu user-mode emulation (test/arm64/run.sh).
// Emulation is slow, so this proves three things and nothing more:
//   1. node-gyp-build loads prebuilds/linux-arm64 (PREBUILDS_ONLY=1) and it uses Node's OpenSSL;
//   2. the native media path works: UDP port -> SRTP over ICE/DTLS -> a second engine -> plain RTP;
//   3. the native data path works: data port -> SCTP (usrsctp, linked in) over DTLS -> a second
//      engine -> datagrams to a UDP socket;
//   4. the gateway itself starts and answers POST /peers with 201 and the OPEN event.
// It imports the compiled dist/ (no TypeScript loader under emulation), asserts, and exits non-zero
// on the first failure or when the whole run exceeds its time bound.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Gateway, loadConfig } from '../../dist/index.js';
import { PACKAGE_ROOT, loadAddon } from '../../dist/native/addon.js';
import { NativeEngine } from '../../dist/native/NativeEngine.js';

const TIME_BOUND_MS = 120_000;
const bound = setTimeout(() => {
  console.error(`arm64 smoke: not done after ${TIME_BOUND_MS / 1000} s`);
  process.exit(1);
}, TIME_BOUND_MS);
bound.unref();

const started = Date.now();
const ok = (what) => console.log(`ok ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

async function waitFor(condition, ms, what) {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An RTP packet (RFC 3550 section 5.1): version 2, no padding, extension or CSRCs. */
function rtpPacket(ssrc, seq, timestamp, payloadType, payload) {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = payloadType;
  header.writeUInt16BE(seq, 2);
  header.writeUInt32BE(timestamp, 4);
  header.writeUInt32BE(ssrc, 8);
  return Buffer.concat([header, payload]);
}

function addonLoads() {
  assert.equal(process.env.PREBUILDS_ONLY, '1', 'run with PREBUILDS_ONLY=1, so no local build can stand in');
  assert.equal(process.arch, 'arm64', 'this Node is the arm64 one');
  const file = createRequire(import.meta.url)('node-gyp-build').resolve(PACKAGE_ROOT);
  assert.equal(file, join(PACKAGE_ROOT, 'prebuilds', 'linux-arm64', 'webrtc-gateway.node'));
  const openssl = loadAddon().opensslVersion();
  assert.ok(openssl.startsWith(`OpenSSL ${process.versions.openssl}`), `uses Node's own OpenSSL (${openssl})`);
  ok(`addon: ${file.slice(PACKAGE_ROOT.length)} on ${process.arch}, ${openssl}`);
}

async function mediaRoundTrip() {
  const sender = new NativeEngine();
  const receiver = new NativeEngine();
  const out = createSocket('udp4');
  try {
    // Two transports signalled directly to each other, as test/integration/engineTransport.test.ts does.
    const { x, y } = await connectedPair(sender, receiver);

    const received = [];
    out.on('message', (m) => received.push(m));
    await new Promise((r) => out.bind(0, '127.0.0.1', r));
    y.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: out.address().port });
    const port = sender.openUdpPort('127.0.0.1', 0);
    assert.ok(sender.attachPort(port.handle, x.handle, 'rtp', 'video'));

    const sent = Array.from({ length: 20 }, (_, i) => rtpPacket(0x5eed, i, i * 3000, 96, Buffer.alloc(800, i)));
    await sendPaced(port.port, sent);
    await waitFor(() => received.length === sent.length, 15_000, `all ${sent.length} packets redirected`);
    assert.deepEqual(received, sent, 'the plain RTP out is the plain RTP in, byte for byte');
    assert.equal(x.stats().rtpSent, sent.length, 'sent as SRTP by the first engine');
    assert.equal(y.stats().rtpReceived, sent.length, 'decrypted by the second engine');
    ok(`media: ${sent.length} RTP packets port -> SRTP -> second engine -> plain RTP, byte for byte`);
    x.close();
    y.close();
  } finally {
    out.close();
    sender.close();
    receiver.close();
  }
}

/** Sends datagrams to a local port 5 ms apart, as a user's program would. */
async function sendPaced(port, datagrams) {
  const input = createSocket('udp4');
  for (const d of datagrams) {
    await new Promise((r) => input.send(d, port, '127.0.0.1', r));
    await new Promise((r) => setTimeout(r, 5));
  }
  input.close();
}

/** Two engine transports signalled directly to each other; resolves once both are connected. */
async function connectedPair(sender, receiver, extra = {}) {
  const x = sender.createTransport({ role: 'controlling', bindAddresses: ['127.0.0.1'], ...extra });
  const y = receiver.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'], ...extra });
  const connected = new Set();
  x.onEvent((e) => e.kind === 'connected' && connected.add('x'));
  y.onEvent((e) => e.kind === 'connected' && connected.add('y'));
  const remote = (t, dtlsRole) => ({
    ufrag: t.local.ufrag,
    password: t.local.password,
    fingerprintAlgorithm: 'sha-256',
    fingerprint: t.local.fingerprint,
    dtlsRole,
  });
  x.setRemote(remote(y, 'server'));
  y.setRemote(remote(x, 'client'));
  for (const c of y.local.candidates) x.addRemoteCandidate(c);
  for (const c of x.local.candidates) y.addRemoteCandidate(c);
  await waitFor(() => connected.size === 2, 30_000, 'ICE and DTLS on both transports');
  return { x, y };
}

async function dataRoundTrip() {
  const sender = new NativeEngine();
  const receiver = new NativeEngine();
  const out = createSocket('udp4');
  try {
    const data = { dataChannels: true, data: { serialization: 'NONE', bufferLimitBytes: 1 << 20 } };
    const { x, y } = await connectedPair(sender, receiver, data);
    // null until SCTP is up; then the channel's stream id (RFC 8832 open, acknowledged by y).
    await waitFor(() => x.openDataChannel({ label: 'smoke', protocol: '', ordered: true }) !== null, 30_000, 'SCTP up');
    await waitFor(() => x.dataStats().open && y.dataStats().open, 30_000, 'the channel open on both sides');

    const received = [];
    out.on('message', (m) => received.push(m));
    await new Promise((r) => out.bind(0, '127.0.0.1', r));
    y.setDataRedirect({ ip: '127.0.0.1', port: out.address().port });
    const port = sender.openUdpPort('127.0.0.1', 0, { maxDatagramBytes: 65535 });
    assert.ok(x.attachDataPort(port));
    const sent = [Buffer.from('arm64'), Buffer.alloc(0), Buffer.alloc(30000, 7)];
    await sendPaced(port.port, sent);
    await waitFor(() => received.length === sent.length, 15_000, `all ${sent.length} datagrams redirected`);
    assert.deepEqual(received, sent, 'the datagrams out are the datagrams in, byte for byte');
    ok(`data: ${sent.length} datagrams data port -> SCTP over DTLS -> second engine -> UDP, byte for byte`);
    x.close();
    y.close();
  } finally {
    out.close();
    sender.close();
    receiver.close();
  }
}

async function gatewayAnswers() {
  const { config } = loadConfig({ flags: { 'api-port': '0', 'signaling-port': '0', 'log-level': 'warn' } });
  const gateway = await Gateway.start(config);
  try {
    const base = `http://127.0.0.1:${gateway.apiAddress.port}`;
    const created = await fetch(`${base}/peers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'peerjs', domain: 'localhost', peer_id: 'arm64smoke' }),
    });
    assert.equal(created.status, 201, 'POST /peers answers 201');
    const { params } = await created.json();
    assert.equal(params.peer_id, 'arm64smoke');
    const events = await fetch(`${base}/peers/arm64smoke/events?token=${params.token}`);
    assert.equal(events.status, 200);
    const event = await events.json();
    assert.deepEqual(event, { event: 'OPEN', params: { peer_id: 'arm64smoke', token: params.token } });
    ok('gateway: POST /peers 201, then OPEN from the embedded signaling server');
  } finally {
    await gateway.stop();
  }
}

addonLoads();
await mediaRoundTrip();
await dataRoundTrip();
await gatewayAnswers();
console.log(`arm64 smoke: every check held in ${((Date.now() - started) / 1000).toFixed(1)} s (${fileURLToPath(import.meta.url).slice(PACKAGE_ROOT.length)})`);
