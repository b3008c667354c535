// coturn (Debian package `coturn`, /usr/bin/turnserver) in the NAT topology's internet namespace:
// the TURN server (UDP and TCP on 3478, TLS on 5349 with a certificate made at test time) and
// the STUN server (it answers Binding requests, enough for server-reflexive candidates).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { isRunning, stopChild } from '../netns/childProcess.js';
import type { NetworkNamespace } from '../netns/NetworkNamespace.js';
import { makeTestCertificate, type TestCertificate } from './testCertificate.js';
import { turnRestCredentials } from './turnRestCredentials.js';

export const TURN_PORT = 3478;
export const TURNS_PORT = 5349;
/** The name the test certificate is issued to (besides the server's IPs); a browser maps it with --host-resolver-rules. */
export const TURN_SERVER_NAME = 'turn.nat.test';

export type TurnAuth =
  /** Long-term credentials (RFC 8489 section 9.2) of one static user. */
  | { mechanism: 'long-term'; user: string; password: string }
  /** TURN REST API: any "<expiry>:<name>" user whose password is the secret's HMAC (turnRestCredentials). */
  | { mechanism: 'rest-secret'; secret: string };

export interface NatCoturnOptions {
  /** Where it runs and the addresses it listens on (the first also relays). */
  netns: NetworkNamespace;
  listeningIps: readonly string[];
  auth: TurnAuth;
  /** Default 'nat.test'. */
  realm?: string;
  /** TLS on 5349 (default true). */
  tls?: boolean;
  /**
   * coturn's --max-allocate-lifetime in seconds. What coturn 4.6 does with it (harness.test.ts): an
   * Allocate gets at most this, with or without a LIFETIME attribute (its log line still says 600
   * for one without); a Refresh asking for at least 600 s gets at most this, but a Refresh without
   * LIFETIME, or asking less than 600 s, gets 600. So a client that refreshes without LIFETIME
   * (libwebrtc does) has a short lifetime only once.
   */
  maxAllocateLifetimeSec?: number;
  /** Relay ports, inclusive (default 49152..49407). */
  relayPorts?: readonly [number, number];
  /** How long to wait for the listeners (default 10 s). */
  startTimeoutMs?: number;
}

export interface IceServerEntry {
  urls: string;
  username?: string;
  credential?: string;
}

const READY_POLL_MS = 50;

export class NatCoturn {
  private stderrText = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly options: NatCoturnOptions,
    /** The certificate of the TLS listener (undefined with tls: false). */
    readonly certificate: TestCertificate | undefined,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      if (this.stderrText.length < 8192) this.stderrText += chunk.toString();
    });
  }

  static async start(options: NatCoturnOptions): Promise<NatCoturn> {
    const tls = options.tls ?? true;
    const [minPort, maxPort] = options.relayPorts ?? [49152, 49407];
    const dir = mkdtempSync(join(tmpdir(), 'wg-nat-coturn-'));
    let certificate: TestCertificate | undefined;
    try {
      if (tls) certificate = await makeTestCertificate(TURN_SERVER_NAME, options.listeningIps);
      const args = [
        '-n', // no configuration file: everything is on this command line
        '--no-cli',
        '-v', // sessions (allocate, refresh, permission, usage) are logged only in verbose mode
        ...options.listeningIps.flatMap((ip) => ['--listening-ip', ip]),
        '--relay-ip', options.listeningIps[0]!,
        '--listening-port', String(TURN_PORT),
        '--min-port', String(minPort),
        '--max-port', String(maxPort),
        '--realm', options.realm ?? 'nat.test',
        '--fingerprint',
        ...(options.auth.mechanism === 'long-term'
          ? ['--lt-cred-mech', '--user', `${options.auth.user}:${options.auth.password}`]
          : ['--use-auth-secret', `--static-auth-secret=${options.auth.secret}`]),
        // coturn takes this one only as --name=value.
        ...(options.maxAllocateLifetimeSec !== undefined ? [`--max-allocate-lifetime=${options.maxAllocateLifetimeSec}`] : []),
        ...(certificate ? ['--tls-listening-port', String(TURNS_PORT), '--cert', certificate.certPath, '--pkey', certificate.keyPath] : ['--no-tls']),
        '--no-dtls',
        '--log-file', join(dir, 'turnserver.log'),
        '--simple-log',
        '--no-stdout-log',
        '--pidfile', join(dir, 'turnserver.pid'),
        '--userdb', join(dir, 'turndb'), // not /var/lib/turn
      ];
      const child = options.netns.spawn('turnserver', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      const server = new NatCoturn(child, dir, options, certificate);
      await server.waitForListeners(tls, options.startTimeoutMs ?? 10_000);
      return server;
    } catch (e) {
      certificate?.remove();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Polls `ss` in its namespace until UDP+TCP 3478 (and TLS 5349) listen on every address. */
  private async waitForListeners(tls: boolean, timeoutMs: number): Promise<void> {
    const wanted = this.options.listeningIps.flatMap((ip) => [`udp ${ip}:${TURN_PORT}`, `tcp ${ip}:${TURN_PORT}`, ...(tls ? [`tcp ${ip}:${TURNS_PORT}`] : [])]);
    const deadline = Date.now() + timeoutMs;
    let missing = wanted;
    while (Date.now() < deadline) {
      if (!isRunning(this.child)) throw new Error(`turnserver exited with ${this.child.exitCode ?? this.child.signalCode}: ${this.stderrText.trim()}\n${this.log()}`);
      const out = await this.options.netns.exec('ss', ['-H', '-l', '-n', '-t', '-u']);
      const listening = new Set(out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 5).map((f) => `${f[0]} ${f[4]}`));
      missing = wanted.filter((w) => !listening.has(w));
      if (missing.length === 0) return;
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
    this.child.kill('SIGKILL');
    throw new Error(`turnserver is not listening on ${missing.join(', ')} after ${timeoutMs} ms:\n${this.log()}`);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The address clients use (the first listening IP). */
  get ip(): string {
    return this.options.listeningIps[0]!;
  }

  /** stun:, turn: over UDP and TCP, and turns: (by IP: a name would need resolving where the client runs). */
  get urls(): { stun: string; turnUdp: string; turnTcp: string; turns: string } {
    return {
      stun: `stun:${this.ip}:${TURN_PORT}`,
      turnUdp: `turn:${this.ip}:${TURN_PORT}?transport=udp`,
      turnTcp: `turn:${this.ip}:${TURN_PORT}?transport=tcp`,
      turns: `turns:${this.ip}:${TURNS_PORT}?transport=tcp`,
    };
  }

  /** Credentials that this server accepts: the static user, or fresh REST credentials for `name`. */
  credentials(name = 'nat-test'): { username: string; credential: string } {
    const auth = this.options.auth;
    return auth.mechanism === 'long-term' ? { username: auth.user, credential: auth.password } : turnRestCredentials(auth.secret, name);
  }

  /** An RTCIceServer for `url` with this server's credentials (none for stun:). */
  iceServer(url: string, name?: string): IceServerEntry {
    return url.startsWith('stun:') ? { urls: url } : { urls: url, ...this.credentials(name) };
  }

  /** Its log so far (empty before the first line). */
  log(): string {
    try {
      return readFileSync(join(this.dir, 'turnserver.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** How many log lines match `pattern`. */
  countInLog(pattern: RegExp): number {
    return this.log().split('\n').filter((line) => pattern.test(line)).length;
  }

  /** Successful Allocate requests so far (each is one allocation, RFC 8656 section 7.2). */
  allocations(): number {
    return this.countInLog(ALLOCATE_SUCCESS);
  }

  /** Successful Refresh requests so far (RFC 8656 section 7.3). */
  refreshes(): number {
    return this.countInLog(REFRESH_SUCCESS);
  }

  /** Allocations that ended because nobody refreshed them in time. */
  timedOutAllocations(): number {
    return this.countInLog(/reason: allocation timeout/);
  }

  /** Stops coturn (SIGTERM, SIGKILL after 2 s) and removes its directory and certificate. */
  async close(): Promise<void> {
    await stopChild(this.child);
    this.certificate?.remove();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const ALLOCATE_SUCCESS = /ALLOCATE processed, success/;
const REFRESH_SUCCESS = /REFRESH processed, success/;
