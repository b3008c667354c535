/**
 * Signaling server capacity: the embedded server beside the `peer` package, in the same run,
 * each in its own process.
 * - memory: RSS of the server with N connected PeerJS clients sending heartbeats every 5 s;
 * - relay: messages relayed between 50 client pairs, counted by the receivers, per second of wall
 *   time and per second of the server's CPU time: CANDIDATE messages only, and the mix of a
 *   connection setup (every 10th an OFFER with a 4 KB SDP).
 * Clients run in separate processes. Usage: node --import tsx bench/signaling.ts [peers] [messagesPerPair]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { processCpuMicros } from './lib/cpu.js';
import { markdownTable } from './lib/table.js';

const peers = Number(process.argv[2] ?? 10_000);
const messagesPerPair = Number(process.argv[3] ?? 4_000);
const pairs = 50;
const here = import.meta.dirname;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function line(child: ChildProcess, match: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const found = buffer.split('\n').find((l) => match.test(l));
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

async function measure(kind: 'ours' | 'peer'): Promise<(string | number)[]> {
  const server = spawn(process.execPath, ['--import', 'tsx', join(here, 'lib', 'signalingServerProcess.ts'), kind], { stdio: ['ignore', 'pipe', 'inherit'] });
  const children: ChildProcess[] = [server];
  try {
    const port = Number(await line(server, /^\d+$/));
    await new Promise((r) => setTimeout(r, 500));
    const idleRss = rssMb(server.pid!);
    // Two load processes keep each under the open-files limit.
    const halves = [Math.ceil(peers / 2), Math.floor(peers / 2)];
    const loads = halves.map((n, i) => spawn(process.execPath, [join(here, 'lib', 'signalingLoad.cjs'), 'connect', String(port), String(n), `p${i}_`], { stdio: ['ignore', 'pipe', 'inherit'] }));
    children.push(...loads);
    const connectStart = Date.now();
    await Promise.all(loads.map((l) => line(l, /^connected$/)));
    const connectSeconds = (Date.now() - connectStart) / 1000;
    await new Promise((r) => setTimeout(r, 6000)); // a full heartbeat round
    const loadedRss = rssMb(server.pid!);

    const relayRun = async (variant: string) => {
      const relay = spawn(process.execPath, [join(here, 'lib', 'signalingLoad.cjs'), 'relay', String(port), String(pairs), String(messagesPerPair), variant], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(relay);
      const cpu0 = processCpuMicros(server.pid!);
      const [, received, ms] = (await line(relay, /^relayed /)).split(' ').map(Number) as [number, number, number];
      const cpuSeconds = (processCpuMicros(server.pid!) - cpu0) / 1e6;
      await new Promise((r) => setTimeout(r, 500));
      return { received, perSecond: received / (ms / 1000), perCpuSecond: received / cpuSeconds };
    };
    const candidates = await relayRun('candidates');
    const mix = await relayRun('mix');
    return [
      kind === 'ours' ? 'webrtc-gateway embedded' : 'peer 1.0.2',
      peers,
      Math.round(peers / connectSeconds),
      loadedRss.toFixed(0),
      (((loadedRss - idleRss) * 1024) / peers).toFixed(1),
      Math.round(candidates.perSecond).toLocaleString('en-US'),
      Math.round(candidates.perCpuSecond).toLocaleString('en-US'),
      Math.round(mix.perSecond).toLocaleString('en-US'),
      Math.round(mix.perCpuSecond).toLocaleString('en-US'),
    ];
  } finally {
    for (const c of children) c.kill('SIGKILL');
  }
}

const rows = [await measure('ours'), await measure('peer')];
console.log(`\nSignaling: ${peers} connected peers with heartbeats, then ${pairs} pairs relaying ${messagesPerPair} messages each\n`);
console.log(
  markdownTable(
    ['server', 'peers', 'connects/s', 'RSS MB', 'KB / peer', 'candidates / s', 'candidates / CPU-s', 'setup mix / s', 'setup mix / CPU-s'],
    rows,
  ),
);
