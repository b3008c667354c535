// The impairment harness itself, with real traffic across a real veth pair: delay, loss, UDP-only
// scope and clean-up are measured, not assumed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';

import { launchChromiumInPeer } from '../helpers/impairment/chromiumInPeer.js';
import { spawnPeerScript } from '../helpers/impairment/peerScript.js';
import { createImpairedLink, type ImpairedLink, type ImpairedLinkOptions } from '../helpers/networkNamespace.js';

const UDP_PEER = 'test/helpers/impairment/udpPeer.ts';

/** Median round trip of `count` pings, one at a time, to an echo server; lost pings are retried. */
async function medianRtt(ip: string, port: number, count: number): Promise<number> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  const rtts: number[] = [];
  try {
    for (let i = 0; rtts.length < count && i < count * 3; i++) {
      const start = performance.now();
      const reply = once(socket, 'message', { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      socket.send(`ping ${i}`, port, ip);
      if (await reply) rtts.push(performance.now() - start);
    }
  } finally {
    socket.close();
  }
  assert.equal(rtts.length, count, 'every ping answered');
  rtts.sort((a, b) => a - b);
  return rtts[Math.floor(count / 2)]!;
}

describe('impaired link (veth + NFQUEUE netemQueue)', () => {
  let link: ImpairedLink | undefined;
  const open = async (o: ImpairedLinkOptions) => (link = await createImpairedLink(o));
  afterEach(async () => {
    await link?.close();
    link = undefined;
  });

  it('delays UDP: an echo across the link takes twice the one-way delay, and setImpairment changes it', async () => {
    const net = await open({ delayMs: 50, direction: 'both', seed: 1 });
    const echo = spawnPeerScript(net, UDP_PEER, ['echo']);
    const { port } = await echo.lines.nextJson<{ port: number }>(15000, 'the echo port');
    const slow = await medianRtt(net.peerIp, port, 20);
    console.log(`RTT with 50 ms each way: ${slow.toFixed(1)} ms`);
    assert.ok(Math.abs(slow - 100) <= 20, `RTT ${slow.toFixed(1)} ms, expected 100 ms +-20%`);
    await net.setImpairment({ delayMs: 20 });
    const fast = await medianRtt(net.peerIp, port, 20);
    console.log(`RTT with 20 ms each way: ${fast.toFixed(1)} ms`);
    assert.ok(Math.abs(fast - 40) <= 8, `RTT ${fast.toFixed(1)} ms, expected 40 ms +-20%`);
    const c = await net.counters();
    assert.equal(c.dropped, 0);
    assert.ok(c.seen >= 80 && c.seen === c.accepted, JSON.stringify(c));
  });

  it('drops UDP: 5% loss on 2000 datagrams one way, and the queue program counts exactly what went missing', async () => {
    const net = await open({ lossPercent: 5, direction: 'to-peer', seed: 1 });
    const sink = spawnPeerScript(net, UDP_PEER, ['count']);
    const { port } = await sink.lines.nextJson<{ port: number }>(15000, 'the sink port');
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, net.gatewayIp, resolve));
    const sent = 2000;
    // Bursts of 50 with a pause, so neither socket buffer overflows: all loss is the queue program's.
    for (let i = 0; i < sent; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => new Promise<void>((resolve, reject) => socket.send(`d${i + j}`, port, net.peerIp, (e) => (e ? reject(e) : resolve())))));
      await new Promise((r) => setTimeout(r, 5));
    }
    socket.close();
    await new Promise((r) => setTimeout(r, 300));
    sink.child.stdin!.write('\n');
    const { received } = await sink.lines.nextJson<{ received: number }>(5000, 'the sink count', (v) => 'received' in v);
    const c = await net.counters();
    const loss = (sent - received) / sent;
    console.log(`sent ${sent}, received ${received}: loss ${(loss * 100).toFixed(2)}%; queue program ${JSON.stringify(c)}`);
    assert.ok(loss >= 0.03 && loss <= 0.07, `observed loss ${(loss * 100).toFixed(2)}%`);
    assert.equal(c.seen, sent, 'the queue program saw every datagram');
    assert.equal(c.dropped, sent - received, 'what it dropped is what went missing');
    assert.equal(c.accepted, received);
  });

  it('leaves TCP alone: an HTTP request from the peer is not delayed by a UDP delay of 200 ms each way', async () => {
    const net = await open({ delayMs: 200, direction: 'both' });
    const server = createServer((req, res) => res.end(`hello ${req.socket.remoteAddress}`));
    await new Promise<void>((resolve) => server.listen(0, net.gatewayIp, resolve));
    try {
      const url = `http://${net.gatewayIp}:${(server.address() as AddressInfo).port}/`;
      const script = `const t=performance.now();const r=await fetch(${JSON.stringify(url)});const b=await r.text();console.log(JSON.stringify({status:r.status,body:b,ms:performance.now()-t}))`;
      const out = JSON.parse(await net.execInPeer(process.execPath, ['--input-type=module', '-e', script])) as { status: number; body: string; ms: number };
      console.log(`HTTP across the link: ${out.ms.toFixed(1)} ms`);
      assert.equal(out.status, 200);
      assert.equal(out.body, `hello ${net.peerIp}`, 'the request came from the peer namespace');
      assert.ok(out.ms < 200, `HTTP took ${out.ms.toFixed(1)} ms`);
      assert.equal((await net.counters()).seen, 0, 'no TCP packet went through the queue');
    } finally {
      server.close();
    }
  });

  it('runs Chromium inside the peer namespace: a secure page from the gateway side fetches from a server there', async () => {
    const net = await open({ delayMs: 5 });
    const api = createServer((req, res) => {
      res.setHeader('access-control-allow-origin', '*');
      res.end(JSON.stringify({ from: req.socket.remoteAddress }));
    });
    await new Promise<void>((resolve) => api.listen(0, net.gatewayIp, resolve));
    const browser = await launchChromiumInPeer(net);
    try {
      const page = await browser.newPage('<!doctype html><title>impaired peer</title>');
      const url = `http://${net.gatewayIp}:${(api.address() as AddressInfo).port}/`;
      const seen = await page.evaluate(async (u) => ({ secure: (globalThis as any).isSecureContext, body: await (await fetch(u)).json() }), url);
      assert.deepEqual(seen, { secure: true, body: { from: net.peerIp } }, 'the request left from the peer namespace');
    } finally {
      await browser.close();
      api.close();
    }
  });

  it('close() leaves no veth and no processes', async () => {
    const net = await open({ lossPercent: 1, delayMs: 10 });
    const echo = spawnPeerScript(net, UDP_PEER, ['echo']);
    await echo.lines.nextJson(15000, 'the echo port');
    const pids = net.pids();
    assert.equal(pids.length, 3, 'holder, queue program, echo server');
    await net.close();
    link = undefined;
    assert.throws(() => execFileSync('ip', ['link', 'show', 'dev', net.gatewayInterface], { stdio: 'pipe' }), /not exist/);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `process ${pid} is gone`);
    assert.deepEqual(net.pids(), []);
    await net.close();
  });
});
