/**
 * The native floor programs of bench/floor/, built on demand (g++ -O2 into the gitignored
 * bench/floor/build/) and run:
 * - srtpSendFloor: AES-128-GCM sealing and batched sendmmsg to loopback, nothing else;
 * - forwardFloor: a minimal forwarder (epoll, recvmmsg, seal or open, sendmmsg) fed by the same
 *   source as the gateways;
 * - fanoutFloor: a minimal fan-out (epoll, recvmmsg, N copies each rewritten and sealed, sendmmsg
 *   from one socket), to
 * - udpSinks: N loopback sockets read with epoll + recvmmsg and counted, standing in for the
 *   viewers so the floor pays the receivers' wake-ups as gateway A does.
 * They link the system's libcrypto (Debian: libssl-dev), not Node's OpenSSL, and are no part of
 * the addon.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const FLOOR_DIR = join(import.meta.dirname, '..', 'floor');
const BUILD_DIR = join(FLOOR_DIR, 'build');

/** The binary of bench/floor/<name>.cc, rebuilt when any source there is newer. */
function build(name: string): string {
  const binary = join(BUILD_DIR, name);
  const newest = Math.max(...readdirSync(FLOOR_DIR).filter((f) => /\.(cc|hpp)$/.test(f)).map((f) => statSync(join(FLOOR_DIR, f)).mtimeMs));
  if (existsSync(binary) && statSync(binary).mtimeMs >= newest) return binary;
  if (!existsSync('/usr/include/openssl/evp.h')) {
    throw new Error('bench/floor needs the OpenSSL headers and libcrypto: install the Debian package libssl-dev (apt-get install -y libssl-dev)');
  }
  mkdirSync(BUILD_DIR, { recursive: true });
  execFileSync('g++', ['-O2', '-std=c++17', '-o', binary, join(FLOOR_DIR, `${name}.cc`), '-lcrypto'], { stdio: 'inherit' });
  return binary;
}

export type SendFloorMode = 'cipher' | 'send' | 'both' | 'recv';

export interface SendFloorResult {
  cpuNsPerPacket: number;
  packetsPerSecond: number;
  dropped: number;
}

export function runSendFloor(mode: SendFloorMode, packets: number, bytes: number, batch: number): SendFloorResult {
  const output = execFileSync(build('srtpSendFloor'), [mode, String(packets), String(bytes), String(batch)], { encoding: 'utf8' });
  return JSON.parse(output) as SendFloorResult;
}

export interface ForwardFloorResult {
  packets: number;
  cpuNsPerPacket: number;
  wakeups: number;
}

/**
 * Starts a minimal forwarder that seals or opens what reaches `port` and sends it to `destPort`
 * (or to a socket nobody reads); `result` comes 0.5 s after the last datagram, or after `seconds`.
 */
export async function startForwardFloor(kind: 'seal' | 'open', seconds: number, destPort?: number): Promise<{ port: number; result: Promise<ForwardFloorResult> }> {
  const args = [kind, String(seconds), ...(destPort ? [String(destPort)] : [])];
  const child = spawn(build('forwardFloor'), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('forwardFloor exited before listening');
  const { port } = JSON.parse(first.value) as { port: number };
  const result = lines.next().then((r) => {
    if (r.done) throw new Error('forwardFloor exited without a result');
    return JSON.parse(r.value) as ForwardFloorResult;
  });
  return { port, result };
}

export interface UdpSinksCounts {
  /** Datagrams received over all sockets. */
  total: number;
  /** The fewest and most any one socket received. */
  min: number;
  max: number;
  /** Dropped by the kernel for a full receive buffer (SO_MEMINFO), over all sockets. */
  socketDrops: number;
  /** The sinks' own CPU, the whole run. */
  cpuSeconds: number;
}

/**
 * Opens `n` UDP sockets on 127.0.0.1 read by one native thread (bench/floor/udpSinks.cc) that
 * counts what arrives. `stop()` closes its stdin and resolves with the counts; the program ends
 * by itself after `maxSeconds` (its counts are then what `stop()` gets).
 */
export async function startUdpSinks(n: number, maxSeconds = 300): Promise<{ ports: number[]; stop(): Promise<UdpSinksCounts> }> {
  const child = spawn(build('udpSinks'), [String(n), String(maxSeconds)], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.on('error', () => {}); // already gone after maxSeconds: its counts are still read
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('udpSinks exited before listening');
  const { ports } = JSON.parse(first.value) as { ports: number[] };
  let counts: Promise<UdpSinksCounts> | undefined;
  const stop = () =>
    (counts ??= (async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill(), 10_000);
      const r = await lines.next().finally(() => clearTimeout(timer));
      if (r.done) throw new Error('udpSinks exited without counts');
      const c = JSON.parse(r.value) as { total: number; perSocketMin: number; perSocketMax: number; socketDrops: number; cpuSeconds: number };
      return { total: c.total, min: c.perSocketMin, max: c.perSocketMax, socketDrops: c.socketDrops, cpuSeconds: c.cpuSeconds };
    })());
  return { ports, stop };
}

export interface FanoutFloorResult {
  packetsIn: number;
  /** Copies sent (each one sendmmsg'd successfully). */
  packetsOut: number;
  /** Copies a send refused (full buffer), dropped as the gateway drops them. */
  dropped: number;
  /** Of `dropped`, failures other than EAGAIN/ENOBUFS. */
  sendErrors: number;
  /** The process's CPU (user + sys) from the first input datagram to the end, per copy sent. */
  cpuNsPerPacketOut: number;
  sendCalls: number;
  /** From the first input datagram to the last. */
  activeSeconds: number;
}

/**
 * Starts a minimal fan-out (bench/floor/fanoutFloor.cc): each datagram reaching `port` is copied
 * to every destination, each copy with its own SSRC and sequence number and sealed with
 * AES-128-GCM, and sent with sendmmsg from one socket. `result` comes 0.5 s after the last
 * datagram, or after `seconds`.
 */
export async function startFanoutFloor(destinations: { host: string; port: number }[], seconds: number): Promise<{ port: number; result: Promise<FanoutFloorResult> }> {
  const child = spawn(build('fanoutFloor'), [String(seconds)], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.on('error', () => {}); // an early exit is reported below
  child.stdin.end(destinations.map((d) => `${d.host}:${d.port}\n`).join(''));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('fanoutFloor exited before listening');
  const { port } = JSON.parse(first.value) as { port: number };
  const result = lines.next().then((r) => {
    if (r.done) throw new Error('fanoutFloor exited without a result');
    return JSON.parse(r.value) as FanoutFloorResult;
  });
  return { port, result };
}
