import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { WebSocket } from 'ws';

import { GatewayProcess } from '../support/gatewayProcess.js';
import { residentMemory, waitFor } from '../helpers/proc.js';
import { RawPeer } from '../helpers/signaling.js';

/*
 * The signaling server's memory under two floods, measured on the server alone in its own process
 * (`webrtc-gateway signaling`, default limits) so the figures are not this test's own heap.
 *
 * Bounds. With the defaults the server may hold 4 MiB unsent for one client and 32 MiB of
 * messages for absent peers. On top of that come the 256 KiB messages being read and copied, the
 * garbage V8 lets pile up before it collects Buffers (it starts once external memory has grown by
 * about 64 MiB), and freed memory the C allocator keeps: glibc gives heap memory back only from
 * the top of its heap, and 5-second queue entries among short-lived reads leave holes below it
 * (after flood B, smaps shows most of it in [heap], not in V8's spaces). So RSS does not fall back to the
 * baseline once the load stops; what matters is that it stays bounded and does not keep the flood:
 *   peak  <= baseline + 224 MiB  (measured +28..+47 MiB for A, +60..+129 MiB for B)
 *   after <= baseline + 160 MiB  (measured +22..+30 MiB for A, +54..+120 MiB for B)
 * Before the limits the same floods peaked at about +1070 MiB (A) and +560..+690 MiB (B), and
 * 8 s after the sockets closed still held nearly all of it.
 */
const MIB = 1024 * 1024;
const PEAK_ALLOWANCE = 224 * MIB;
const AFTER_ALLOWANCE = 160 * MIB;
/** What the server held for the closed clients is gone: queued messages expire after 5 s, checked every second. */
const SETTLE_MS = 6500;
const MESSAGES = 4096;
/**
 * On a loaded machine the flood may reach its deadline first; half of it (512 MiB) is still far
 * more than the bounds allow, so the check keeps its meaning.
 */
const ENOUGH_MESSAGES = MESSAGES / 2;
/** The payload of each OFFER: with its envelope, just under the server's 256 KiB message limit. */
const PAYLOAD_BYTES = 256 * 1024 - 256;
const SCENARIO_MS = 45_000;

describe('signaling server memory under floods (the server in its own process)', () => {
  const started: GatewayProcess[] = [];
  const peers: RawPeer[] = [];
  after(() => {
    peers.forEach((p) => p.ws.terminate());
    started.forEach((s) => s.child.kill('SIGKILL'));
  });

  const startServer = async (): Promise<{ url: string; pid: number; logs: Record<string, any>[] }> => {
    const server = new GatewayProcess(['signaling', '--signaling-port', '0', '--log-level', 'info']);
    started.push(server);
    await waitFor(() => server.logs.some((l) => l.msg === 'signaling server listening') || server.child.exitCode !== null, 10000, 'listening');
    const line = server.logs.find((l) => l.msg === 'signaling server listening');
    assert.ok(line, `the server did not start: ${server.stderr}`);
    return { url: String(line.url).replace(/peerjs$/, ''), pid: server.child.pid!, logs: server.logs };
  };
  const connect = async (url: string, id: string): Promise<RawPeer> => {
    const p = await RawPeer.connect(url, { id, token: 't', key: 'peerjs' });
    peers.push(p);
    await p.waitFor((m) => m.type === 'OPEN');
    return p;
  };
  /** A relay between two new clients works. */
  const servesFreshClients = async (url: string, tag: string): Promise<void> => {
    const a = await connect(url, `${tag}a`);
    const b = await connect(url, `${tag}b`);
    a.send({ type: 'OFFER', dst: `${tag}b`, payload: { hello: tag } });
    assert.equal((await b.waitFor((m) => m.type === 'OFFER')).src, `${tag}a`);
    a.close();
    b.close();
  };
  /** Idle RSS once the server has served a first relay (what it holds without load). */
  const baselineOf = async (url: string, pid: number): Promise<number> => {
    await servesFreshClients(url, 'warm');
    await new Promise((r) => setTimeout(r, 300));
    return residentMemory(pid).rss;
  };
  /**
   * Sends OFFERs of PAYLOAD_BYTES, each once the previous one has left this process (its send
   * callback), so this process holds one at a time. Stops at `count`, at the deadline, or when
   * the sender's socket is gone. Returns how many went out.
   */
  const flood = async (sender: RawPeer, dst: (i: number) => string, count: number): Promise<number> => {
    const payload = 'x'.repeat(PAYLOAD_BYTES);
    const deadline = Date.now() + SCENARIO_MS;
    let sent = 0;
    while (sent < count && Date.now() < deadline && sender.ws.readyState === WebSocket.OPEN) {
      const text = `{"type":"OFFER","dst":${JSON.stringify(dst(sent))},"payload":"${payload}"}`;
      await new Promise<void>((resolve, reject) => sender.ws.send(text, (error) => (error ? reject(error) : resolve())));
      sent++;
    }
    return sent;
  };
  /** Closes the clients, lets the server drop what it held for them, then reads its RSS. */
  const rssAfterClosing = async (clients: RawPeer[], pid: number): Promise<number> => {
    clients.forEach((c) => c.ws.terminate());
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return residentMemory(pid).rss;
  };
  const mib = (bytes: number): string => `${(bytes / MIB).toFixed(0)} MiB`;

  it('a client that never reads, sent 4096 relays of 256 KiB: the server stays bounded and lets go', async () => {
    const { url, pid, logs } = await startServer();
    const baseline = await baselineOf(url, pid);
    const sink = await connect(url, 'sink');
    // Its TCP socket stops reading: what the server sends it piles up in the server.
    (sink.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const source = await connect(url, 'source');
    const sent = await flood(source, () => 'sink', MESSAGES);
    assert.ok(sent >= ENOUGH_MESSAGES, `the sender sent ${sent} messages`);
    await servesFreshClients(url, 'after');
    const { peak } = residentMemory(pid);
    const after = await rssAfterClosing([sink, source], pid);
    const figures = `${sent} messages: baseline ${mib(baseline)}, peak ${mib(peak)}, after closing ${mib(after)}`;
    process.stdout.write(`# slow consumer: ${figures}\n`);
    assert.ok(peak < baseline + PEAK_ALLOWANCE, `peak RSS within ${mib(PEAK_ALLOWANCE)} of the baseline: ${figures}`);
    assert.ok(after < baseline + AFTER_ALLOWANCE, `RSS after closing within ${mib(AFTER_ALLOWANCE)} of the baseline: ${figures}`);
    assert.ok(logs.some((l) => l.msg === 'disconnected a client that stopped reading' && l.id === 'sink'), 'the sink was disconnected');
  });

  it('1 GiB of 256 KiB OFFERs to absent ids: the queue for absent peers stays bounded', async () => {
    const { url, pid } = await startServer();
    const baseline = await baselineOf(url, pid);
    const source = await connect(url, 'source');
    // 256 ids, 16 OFFERs each: both the per-peer and the total bound are reached.
    const sent = await flood(source, (i) => `absent${i % 256}`, MESSAGES);
    assert.ok(sent >= ENOUGH_MESSAGES, `the sender sent ${sent} messages`);
    await servesFreshClients(url, 'after');
    const { peak } = residentMemory(pid);
    const after = await rssAfterClosing([source], pid);
    const figures = `${sent} messages: baseline ${mib(baseline)}, peak ${mib(peak)}, after closing ${mib(after)}`;
    process.stdout.write(`# absent peers: ${figures}\n`);
    assert.ok(peak < baseline + PEAK_ALLOWANCE, `peak RSS within ${mib(PEAK_ALLOWANCE)} of the baseline: ${figures}`);
    assert.ok(after < baseline + AFTER_ALLOWANCE, `RSS after closing within ${mib(AFTER_ALLOWANCE)} of the baseline: ${figures}`);
  });
});
