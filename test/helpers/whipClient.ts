import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Debian 12's whip-client (simple-whip-client) links libsoup 2.4, while Debian 12's libnice links
 * libgupnp-igd, whose gupnp pulls libsoup 3: loading both aborts the client at start ("libsoup2
 * symbols detected"). libnice uses UPnP-IGD only to ask a home router for port mappings and copes
 * when none can be made, so the client runs with a four-symbol stand-in for libgupnp-igd that makes
 * none (built here with cc, found first through LD_LIBRARY_PATH). The client itself is untouched.
 */
const IGD_STUB = `
void *gupnp_simple_igd_thread_new(void) { return 0; }
unsigned long gupnp_simple_igd_get_type(void) { return 80; /* G_TYPE_OBJECT */ }
void gupnp_simple_igd_add_port(void) {}
void gupnp_simple_igd_remove_port_local(void) {}
`;

/** Builds the libgupnp-igd stand-in in `dir`; returns the LD_LIBRARY_PATH for whip-client. */
export function buildIgdStub(dir: string): string {
  const source = join(dir, 'igd-stub.c');
  writeFileSync(source, IGD_STUB);
  execFileSync('cc', ['-shared', '-fPIC', '-o', join(dir, 'libgupnp-igd-1.0.so.4'), '-Wl,-soname,libgupnp-igd-1.0.so.4', source]);
  return dir;
}

/** Debian's whip-client; its log (stdout and stderr, the first 64 kB) for failure messages. */
export class WhipClient {
  readonly process: ChildProcess;
  log = '';

  constructor(args: string[], libraryPath: string) {
    // WHIP_CLIENT_LOG=7 shows the SDP and every candidate when a run needs looking into.
    this.process = spawn('whip-client', ['-l', process.env['WHIP_CLIENT_LOG'] ?? '4', '-o', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LD_LIBRARY_PATH: libraryPath } });
    const keep = (chunk: Buffer): void => {
      if (this.log.length < 65536) this.log += chunk.toString();
    };
    this.process.stdout!.on('data', keep);
    this.process.stderr!.on('data', keep);
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  /** Its exit code, or undefined when it was still running after `ms` (then it is killed). */
  async exitCode(ms: number): Promise<number | null | undefined> {
    if (!this.exited) {
      const timer = setTimeout(() => this.process.kill('SIGKILL'), ms);
      await once(this.process, 'exit');
      clearTimeout(timer);
      if (this.process.signalCode === 'SIGKILL') return undefined;
    }
    return this.process.exitCode;
  }

  /** SIGINT: whip-client DELETEs its session and exits; SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const done = once(this.process, 'exit');
    this.process.kill('SIGINT');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(timer);
  }
}

const LINK = 'wgwhip0';
/** The address the veth end gets (RFC 2544 benchmarking range): the gateway binds its media on it too. */
export const LIBNICE_HOST_ADDRESS = '198.18.0.1';

/**
 * libnice gathers no candidates on loopback interfaces, and the e2e namespace has nothing else: a
 * veth pair with LIBNICE_HOST_ADDRESS gives whip-client a host candidate (the gateway must bind its
 * media there too). It lives in the namespace only, so traffic still cannot leave the machine.
 * Returns the undo. Only inside the e2e namespace (WG_E2E_ISOLATED=1): elsewhere it throws.
 */
export function addHostInterfaceForLibnice(): () => void {
  if (process.env['WG_E2E_ISOLATED'] !== '1') throw new Error('run through node test/run.js: whip-client tests need the e2e network namespace');
  const ip = (...args: string[]): void => {
    execFileSync('ip', args, { stdio: 'ignore' });
  };
  ip('link', 'add', LINK, 'type', 'veth', 'peer', 'name', `${LINK}p`);
  ip('addr', 'add', `${LIBNICE_HOST_ADDRESS}/24`, 'dev', LINK);
  ip('link', 'set', LINK, 'up');
  ip('link', 'set', `${LINK}p`, 'up');
  return () => ip('link', 'del', LINK);
}
