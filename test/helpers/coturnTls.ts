import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

import { waitFor } from './proc.js';
import type { TestPki } from './testPki.js';

export const TURNSERVER = '/usr/bin/turnserver';
export const hasTurnServer = (): boolean => existsSync(TURNSERVER);

/** A free loopback TCP port (closed again at once: the caller binds it next). */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/**
 * coturn with a TLS listener only (no UDP, TCP or DTLS listeners) on 127.0.0.1, the PKI's
 * CA-signed certificate, and long-term credentials (user:secret, realm wg.test), so an
 * unauthenticated Allocate is answered 401.
 */
export class CoturnTls {
  readonly process: ChildProcess;
  log = '';

  private constructor(readonly port: number, pki: TestPki) {
    this.process = spawn(TURNSERVER, ['-n', '--no-cli', '--listening-ip', '127.0.0.1', '--tls-listening-port', String(port),
      '--cert', pki.serverCertFile, '--pkey', pki.serverKeyFile, '--no-udp', '--no-tcp', '--no-dtls',
      '--lt-cred-mech', '--user', 'user:secret', '--realm', 'wg.test', '--db', join(pki.dir, `turndb-${port}`),
      '--pidfile', join(pki.dir, `turnserver-${port}.pid`), '--log-file', 'stdout', '--simple-log'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      if (this.log.length < 16384) this.log += chunk.toString();
    };
    this.process.stdout!.on('data', keep);
    this.process.stderr!.on('data', keep);
  }

  static async start(pki: TestPki): Promise<CoturnTls> {
    const coturn = new CoturnTls(await freeTcpPort(), pki);
    await waitFor(() => accepting(coturn.port), 10000, `coturn's TLS listener (log: ${coturn.log.slice(-500)})`);
    return coturn;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

/** The first whole STUN message at the start of `bytes` (RFC 8489 section 6.2.2: the header gives its length), or null. */
export function firstStunMessage(bytes: Buffer): Buffer | null {
  if (bytes.length < 20) return null;
  const total = 20 + bytes.readUInt16BE(2);
  return bytes.length >= total ? bytes.subarray(0, total) : null;
}
