import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TURNSERVER = '/usr/bin/turnserver';

/** A coturn on 127.0.0.1 taking TURN REST API credentials (use-auth-secret) for `secret`. */
export interface LocalCoturn {
  readonly port: number;
  readonly secret: string;
  /** What coturn logged so far (for failure messages and to see allocations). */
  log(): string;
  /** Resolves once the log has a line matching `pattern` (it may come just after the answer it logs); rejects after `timeoutMs`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts coturn 4.6 (Debian `coturn`) on loopback only: UDP and TCP on a free port, relays on
 * 127.0.0.1 (`--allow-loopback-peers`, else it refuses loopback peers), no TLS, no CLI, its pid
 * file and database in a temporary folder. Resolves once it answers a STUN Binding request.
 */
export async function startLocalCoturn(secret: string): Promise<LocalCoturn> {
  if (!existsSync(TURNSERVER)) throw new Error(`${TURNSERVER} is missing: install the Debian package coturn (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'wg-coturn-'));
  const port = await freeTcpPort();
  // Relay ports from a slice of its own, so two test processes never compete for them.
  const relayMin = 40000 + (process.pid % 100) * 50;
  const args = [
    '-n',
    '--listening-ip', '127.0.0.1',
    '--listening-port', String(port),
    '--relay-ip', '127.0.0.1',
    '--min-port', String(relayMin),
    '--max-port', String(relayMin + 49),
    '--use-auth-secret',
    '--static-auth-secret', secret,
    '--realm', 'gateway.test',
    '--allow-loopback-peers',
    '--no-tls', '--no-dtls', '--no-cli',
    '--pidfile', join(dir, 'turnserver.pid'),
    '--db', join(dir, 'turndb'),
    '--log-file', 'stdout', '--simple-log', '--verbose',
  ];
  const child: ChildProcess = spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    if (output.length < 256 * 1024) output += chunk.toString();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await answersBinding(port, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`coturn did not come up: ${(error as Error).message}\n${output.slice(-2000)}`);
  }
  const waitForLog = async (pattern: RegExp, timeoutMs = 3000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (Date.now() > deadline) throw new Error(`coturn logged nothing matching ${pattern}:\n${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { port, secret, log: () => output, waitForLog, stop };
}

/** A port free for TCP now (coturn listens on it for UDP and TCP). */
async function freeTcpPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Sends RFC 8489 Binding requests every 100 ms until one is answered (5 s at most). */
async function answersBinding(port: number, exited: () => boolean): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const answered = new Promise<void>((resolve) =>
    socket.on('message', (m) => {
      if (m.length >= 20 && m.readUInt16BE(0) === 0x0101) resolve();
    }),
  );
  try {
    for (let i = 0; i < 50; i++) {
      if (exited()) throw new Error('turnserver exited');
      // Binding request: type 0x0001, length 0, magic cookie, a 96-bit transaction id.
      const request = Buffer.alloc(20);
      request.writeUInt16BE(0x0001, 0);
      request.writeUInt32BE(0x2112a442, 4);
      request.writeUInt32BE(i + 1, 16);
      socket.send(request, port, '127.0.0.1');
      const ok = await Promise.race([answered.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
      if (ok) return;
    }
    throw new Error('no answer to a STUN Binding request within 5 s');
  } finally {
    socket.close();
  }
}
