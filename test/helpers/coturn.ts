import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real coturn (`/usr/bin/turnserver`, Debian package `coturn`) for tests: one process on a
 * loopback address, on a free port, with no configuration file, no CLI, no TLS/DTLS listener
 * unless asked for, peers on loopback allowed, and its log in a temporary directory.
 *
 *   const turn = await Coturn.start({ users: [{ username: 'u', password: 'p' }] });
 *   // ... turn.ip, turn.port, turn.realm, turn.url('udp'), turn.log()
 *   await turn.stop();
 *
 * Authentication is either static long-term users (`--lt-cred-mech --user u:p`) or the TURN
 * REST API shared secret (`--use-auth-secret --static-auth-secret S`), whose credentials
 * mintTurnRestCredentials() makes. Options that shorten coturn's clocks (allocation lifetime,
 * nonce lifetime, permission and channel lifetimes) let tests see refreshes in seconds.
 */
export interface CoturnOptions {
  /** Loopback address to listen and relay on (default 127.0.0.1). */
  ip?: string;
  realm?: string;
  /** Static long-term credentials (`--lt-cred-mech`). */
  users?: { username: string; password: string }[];
  /** TURN REST API secret (`--use-auth-secret --static-auth-secret`); excludes `users`. */
  authSecret?: string;
  /** `--max-allocate-lifetime`: the longest lifetime coturn grants, in seconds. */
  maxAllocateLifetimeSeconds?: number;
  /** `--stale-nonce=N`: a nonce is good for N seconds, then requests get 438. */
  staleNonceSeconds?: number;
  /** `--permission-lifetime` and `--channel-lifetime`, in seconds. */
  permissionLifetimeSeconds?: number;
  channelLifetimeSeconds?: number;
  /** TLS listener on the same port (`turns:`): PEM files; without them `--no-tls`. */
  tls?: { certFile: string; keyFile: string };
  /** Anything else, appended to the command line. */
  extraArgs?: string[];
  /** How long to wait for the listeners (default 10 s). */
  startTimeoutMs?: number;
}

export const TURNSERVER = '/usr/bin/turnserver';
export const hasTurnServer = (): boolean => existsSync(TURNSERVER);

export class Coturn {
  private exitError: Error | undefined;

  private constructor(
    readonly process: ChildProcess,
    readonly ip: string,
    readonly port: number,
    readonly realm: string,
    readonly directory: string,
    readonly relayPorts: { min: number; max: number },
  ) {
    process.on('exit', (code, signal) => {
      this.exitError = new Error(`turnserver exited (${code ?? signal}); log:\n${this.log().slice(-2000)}`);
    });
  }

  static async start(options: CoturnOptions = {}): Promise<Coturn> {
    const ip = options.ip ?? '127.0.0.1';
    const realm = options.realm ?? 'gateway.test';
    if (options.users && options.authSecret) throw new Error('coturn takes users or an authSecret, not both');
    const port = await freeUdpAndTcpPort(ip);
    // A random range of relay ports, so that several servers (and other tests) rarely meet.
    const min = 40000 + Math.floor(Math.random() * 200) * 100;
    const relayPorts = { min, max: min + 99 };
    const directory = mkdtempSync(join(tmpdir(), 'coturn-'));
    const args = [
      '-n',
      '--no-cli',
      '--no-dtls',
      '--listening-ip', ip,
      '--relay-ip', ip,
      '--listening-port', String(port),
      '--min-port', String(relayPorts.min),
      '--max-port', String(relayPorts.max),
      '--realm', realm,
      '--allow-loopback-peers',
      '--log-file', join(directory, 'turnserver.log'),
      '--simple-log',
      '--pidfile', join(directory, 'turnserver.pid'),
      '--db', join(directory, 'turndb'),
      '--verbose',
    ];
    if (options.tls) args.push('--cert', options.tls.certFile, '--pkey', options.tls.keyFile);
    else args.push('--no-tls');
    if (options.authSecret !== undefined) {
      args.push('--use-auth-secret', '--static-auth-secret', options.authSecret);
    } else {
      args.push('--lt-cred-mech');
      for (const u of options.users ?? [{ username: 'user', password: 'pass' }]) args.push('--user', `${u.username}:${u.password}`);
    }
    // The `--name=value` form: coturn 4.6 silently ignores `--max-allocate-lifetime 4` (two words).
    if (options.maxAllocateLifetimeSeconds !== undefined) args.push(`--max-allocate-lifetime=${options.maxAllocateLifetimeSeconds}`);
    if (options.staleNonceSeconds !== undefined) args.push(`--stale-nonce=${options.staleNonceSeconds}`);
    if (options.permissionLifetimeSeconds !== undefined) args.push(`--permission-lifetime=${options.permissionLifetimeSeconds}`);
    if (options.channelLifetimeSeconds !== undefined) args.push(`--channel-lifetime=${options.channelLifetimeSeconds}`);
    args.push(...(options.extraArgs ?? []));
    const child = spawn(TURNSERVER, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    const server = new Coturn(child, ip, port, realm, directory, relayPorts);
    try {
      await server.waitUntilListening(options.startTimeoutMs ?? 10_000);
    } catch (e) {
      await server.stop();
      throw e;
    }
    return server;
  }

  /** The ICE server URL: `turn:127.0.0.1:3478?transport=udp`. */
  url(transport: 'udp' | 'tcp' = 'udp'): string {
    return `turn:${this.ip}:${this.port}?transport=${transport}`;
  }

  /** coturn's log so far (its wording: "session ... closed", "refreshed", "deleted"...). */
  log(): string {
    try {
      return readFileSync(join(this.directory, 'turnserver.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Waits (bounded) until the log matches; returns the match. */
  async waitForLog(pattern: RegExp, timeoutMs = 5000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.log().match(pattern);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`coturn never logged ${pattern}; log tail:\n${this.log().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills the process (SIGTERM, then SIGKILL after 2 s) and removes its directory. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = once(this.process, 'exit');
      this.process.kill('SIGTERM');
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.directory, { recursive: true, force: true });
  }

  /** A STUN Binding request over UDP is answered and a TCP connection is accepted. */
  private async waitUntilListening(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitError) throw this.exitError;
      if ((await stunBindingAnswered(this.ip, this.port, 200)) && (await tcpAccepts(this.ip, this.port))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`turnserver did not listen on ${this.ip}:${this.port} within ${timeoutMs} ms; log:\n${this.log().slice(-2000)}`);
  }
}

/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest, as coturn's --use-auth-secret
 * takes them): username `<unix expiry>:<name>`, password base64(HMAC-SHA1(secret, username)).
 */
export function mintTurnRestCredentials(
  secret: string,
  name: string,
  ttlSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): { username: string; credential: string } {
  const username = `${nowSeconds + ttlSeconds}:${name}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/**
 * The first whole STUN message at the start of `bytes`, as read from a TCP or TLS stream (RFC
 * 8489 section 6.2.2: the header gives its length), or null while it is incomplete.
 */
export function firstStunMessage(bytes: Buffer): Buffer | null {
  if (bytes.length < 20) return null;
  const total = 20 + bytes.readUInt16BE(2);
  return bytes.length >= total ? bytes.subarray(0, total) : null;
}

async function freeUdpAndTcpPort(ip: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket(ip.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, ip, () => resolve());
    });
    const port = udp.address().port;
    const tcp = createServer();
    const tcpOk = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, ip, () => resolve(true));
    });
    udp.close();
    if (tcpOk) {
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      return port;
    }
  }
  throw new Error('no free UDP+TCP port on ' + ip);
}

async function stunBindingAnswered(ip: string, port: number, timeoutMs: number): Promise<boolean> {
  const socket = createSocket(ip.includes(':') ? 'udp6' : 'udp4');
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)]);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      socket.on('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
      socket.on('message', (m) => {
        if (m.length >= 20 && m.readUInt16BE(0) === 0x0101 && m.subarray(8, 20).equals(request.subarray(8, 20))) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      socket.send(request, port, ip);
    });
  } finally {
    socket.close();
  }
}

async function tcpAccepts(ip: string, port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = createConnection({ host: ip, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
