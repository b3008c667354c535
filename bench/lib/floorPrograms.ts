/**
 * The native floor programs of bench/floor/, built on demand (g++ -O2 into the gitignored
 * bench/floor/build/) and run:
 * - srtpSendFloor: AES-128-GCM sealing and batched sendmmsg to loopback, nothing else;
 * - forwardFloor: a minimal forwarder (epoll, recvmmsg, seal or open, sendmmsg) fed by the same
 *   source as the gateways.
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
