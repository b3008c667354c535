/**
 * Many DataConnections on one gateway: what each costs and whether they all keep carrying data.
 * Gateway A opens N DataConnections to gateway B (two processes, B on A's signaling server); one
 * data port on A feeds all of them, so one datagram a second sent to it is one message a second on
 * every connection; B redirects every connection to one UDP socket here, which counts arrivals.
 * Reported: setup time, descriptors, threads and RSS per connection (from /proc, against each
 * process before its first connection), CPU of A and B idle and while every connection carries a
 * message a second, and what arrived of what was sent.
 * Usage: node --import tsx bench/dataScale.ts [connections] [--bin path/to/webrtc-gateway.js]
 */
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';

import { GatewayProcess } from '../test/support/gatewayProcess.js';
import { rest } from '../test/support/rest.js';
import { processCpuMicros } from './lib/cpu.js';
import { markdownTable } from './lib/table.js';

const args = process.argv.slice(2);
const binAt = args.indexOf('--bin');
const bin = binAt >= 0 ? args.splice(binAt, 2)[1] : undefined;
const N = Number(args[0] ?? 5000);
const PARALLEL = 16;
const TRAFFIC_SECONDS = 10;
const IDLE_SECONDS = 10;
const SETUP_BOUND_MS = 15 * 60_000;

interface Footprint {
  fds: number;
  threads: number;
  rssKb: number;
}

/** CPU µs of every thread of a process by name (the same name summed), from /proc. */
function threadsCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = Number(tid) === pid ? 'JS main thread' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/** The busiest threads between two readings, as "name 12.3 %". */
function busiest(before: Map<string, number>, after: Map<string, number>, seconds: number): string {
  return [...after]
    .map(([name, us]) => [name, us - (before.get(name) ?? 0)] as const)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 3)
    .map(([name, us]) => `${name} ${((us / (seconds * 1e6)) * 100).toFixed(1)} %`)
    .join(', ');
}

function footprint(pid: number): Footprint {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    fds: readdirSync(`/proc/${pid}/fd`).length,
    threads: readdirSync(`/proc/${pid}/task`).length,
    rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)![1]),
  };
}

const limits = ['--max-connections', String(2 * N + 10), '--max-connections-per-peer', String(N + 10), '--max-pending-offers', String(N + 10)];
const common = ['--api-port', '0', '--offer-timeout-ms', String(SETUP_BOUND_MS), '--media-bind-addresses', '127.0.0.1', ...limits];
const gateway = bin ? { gateway: [process.execPath, bin] } : {};
const a = new GatewayProcess([...common, '--signaling-port', '0', '--port-min', '42000', '--port-max', '42099'], {}, gateway);
const signaling = (await a.logged('signaling server listening', 'url')).replace(/peerjs$/, '');
const b = new GatewayProcess([...common, '--embedded-signaling', 'false', '--signaling-url', signaling, '--port-min', '42100', '--port-max', '42199'], {}, gateway);
const [baseA, baseB] = await Promise.all([a.apiUrl(), b.apiUrl()]);

// Room for a burst: every connection's message arrives within a few milliseconds.
const receiver = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
let received = 0;
receiver.on('message', () => received++);
await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
const receiverPort = receiver.address().port;
const sender = createSocket('udp4');
let acceptDone = false;

async function peer(base: string, id: string): Promise<string> {
  const { params } = await rest(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: id });
  await rest(base, 'GET', `/peers/${id}/events?token=${params.token}`);
  return params.token as string;
}

let exitCode = 0;
try {
  const [tokenA, tokenB] = await Promise.all([peer(baseA, 'scale-a'), peer(baseB, 'scale-b')]);
  const feed = await rest(baseA, 'POST', '/data', {});
  const before = { a: footprint(a.child.pid!), b: footprint(b.child.pid!) };

  // B: every incoming connection is redirected to the receiver.
  let accepted = 0;
  const accepting = (async () => {
    while (accepted < N && !acceptDone) {
      const event = await rest(baseB, 'GET', `/peers/scale-b/events?token=${tokenB}`).catch(() => undefined);
      if (event === undefined) await new Promise((r) => setTimeout(r, 100));
      if (event?.event !== 'CONNECTION') continue;
      await rest(baseB, 'PUT', `/data/connections/${event.data_params.data_connection_id}`, { redirect_params: { ip_v4: '127.0.0.1', port: receiverPort } });
      accepted++;
    }
  })();

  const started = performance.now();
  const ids: string[] = [];
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < N) {
        next++;
        const { params } = await rest(baseA, 'POST', '/data/connections', {
          peer_id: 'scale-a', token: tokenA, target_id: 'scale-b', options: { serialization: 'NONE' }, params: { data_id: feed.data_id },
        });
        const id = params.data_connection_id as string;
        const { event } = await rest(baseA, 'GET', `/data/connections/${id}/events`);
        if (event === 'OPEN') ids.push(id);
        else failed++;
        if (performance.now() - started > SETUP_BOUND_MS) throw new Error(`setup not done after ${SETUP_BOUND_MS / 1000} s`);
      }
    }),
  );
  const setupSeconds = (performance.now() - started) / 1000;
  while (accepted < ids.length && performance.now() - started < SETUP_BOUND_MS) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 1000));
  const open = { a: footprint(a.child.pid!), b: footprint(b.child.pid!) };

  const cpu = () => ({ a: processCpuMicros(a.child.pid!), b: processCpuMicros(b.child.pid!) });
  const percent = (us: number, seconds: number) => `${((us / (seconds * 1e6)) * 100).toFixed(1)} %`;
  const idle0 = cpu();
  const idleThreads0 = threadsCpu(a.child.pid!);
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const idle1 = cpu();
  const idleThreads = busiest(idleThreads0, threadsCpu(a.child.pid!), IDLE_SECONDS);

  received = 0;
  const payload = Buffer.alloc(100, 0x61);
  const busy0 = cpu();
  for (let s = 0; s < TRAFFIC_SECONDS; s++) {
    sender.send(payload, feed.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 1000));
  }
  await new Promise((r) => setTimeout(r, 2000));
  const busy1 = cpu();
  const expected = ids.length * TRAFFIC_SECONDS;

  const per = (key: keyof Footprint, side: 'a' | 'b', digits = 1) => ((open[side][key] - before[side][key]) / Math.max(1, ids.length)).toFixed(digits);
  console.log(`\n${N} DataConnections A -> B (${bin ?? 'this checkout'}), one data port on A feeding all, B redirecting all to one UDP socket\n`);
  console.log(
    markdownTable(
      ['connections open', 'failed', 'setup s', 'setup / s', 'fds / conn A, B', 'threads / conn A, B', 'RSS MB A, B', 'RSS KB / conn A, B'],
      [[
        ids.length, failed, setupSeconds.toFixed(1), (ids.length / setupSeconds).toFixed(0),
        `${per('fds', 'a')}, ${per('fds', 'b')}`, `${per('threads', 'a', 2)}, ${per('threads', 'b', 2)}`,
        `${(open.a.rssKb / 1024).toFixed(0)}, ${(open.b.rssKb / 1024).toFixed(0)}`, `${per('rssKb', 'a')}, ${per('rssKb', 'b')}`,
      ]],
    ),
  );
  console.log();
  console.log(
    markdownTable(
      ['phase', 'seconds', 'CPU A', 'CPU B', 'messages expected', 'delivered', 'loss'],
      [
        ['idle', IDLE_SECONDS, percent(idle1.a - idle0.a, IDLE_SECONDS), percent(idle1.b - idle0.b, IDLE_SECONDS), '', '', ''],
        ['1 message / s / connection', TRAFFIC_SECONDS + 2, percent(busy1.a - busy0.a, TRAFFIC_SECONDS + 2), percent(busy1.b - busy0.b, TRAFFIC_SECONDS + 2),
          expected, received, `${(((expected - received) / Math.max(1, expected)) * 100).toFixed(2)} %`],
      ],
    ),
  );
  console.log(`\nA's busiest threads while idle: ${idleThreads}`);
  await Promise.race([accepting, new Promise((r) => setTimeout(r, 100))]);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  acceptDone = true;
  receiver.close();
  sender.close();
  await Promise.all([a.stop(), b.stop()]);
}
process.exit(exitCode);
