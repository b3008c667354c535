/**
 * The janus daemon of one benchmark run: a fresh temporary folder with its configuration and log,
 * the ICE interface, the process, and stop() that frees all of them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { iceInterface, type IceInterface } from './iceInterface.js';
import { writeJanusConfig } from './janusConfig.js';

export class JanusDaemon {
  private constructor(
    readonly process: ChildProcess,
    readonly api: string,
    readonly admin: string,
    readonly adminSecret: string,
    private readonly dir: string,
    private readonly ice: IceInterface,
  ) {}

  /** Starts janus and waits until its Janus API answers. */
  static async start(o: { eventLoops: number }): Promise<JanusDaemon> {
    const dir = mkdtempSync(join(tmpdir(), 'janus-bench-'));
    let ice: IceInterface | undefined;
    try {
      ice = iceInterface();
      const [httpPort, adminPort] = [await freeTcpPort(), await freeTcpPort()];
      const adminSecret = randomBytes(12).toString('hex');
      const config = writeJanusConfig(dir, { httpPort, adminPort, adminSecret, iceInterface: ice.name, eventLoops: o.eventLoops });
      const log = openSync(join(dir, 'janus.log'), 'w');
      // -o: no colour codes in the log file. setpriv --pdeathsig: janus dies with this process
      // even when it is killed before it can stop janus.
      const child = spawn('setpriv', ['--pdeathsig', 'KILL', 'janus', '-C', config, '-F', dir, '-o'], { stdio: ['ignore', log, log] });
      const daemon = new JanusDaemon(child, `http://127.0.0.1:${httpPort}/janus`, `http://127.0.0.1:${adminPort}/admin`, adminSecret, dir, ice);
      await daemon.waitForApi();
      return daemon;
    } catch (e) {
      ice?.release();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** The end of janus's log, for error messages. */
  logTail(chars = 3000): string {
    try {
      return readFileSync(join(this.dir, 'janus.log'), 'utf8').slice(-chars);
    } catch {
      return '';
    }
  }

  /** SIGTERM (Janus then closes its sessions), SIGKILL after 3 s; then the interface and folder go. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = once(this.process, 'exit');
      this.process.kill('SIGTERM');
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    this.ice.release();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitForApi(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (this.process.exitCode !== null) throw new Error(`janus exited with ${this.process.exitCode}:\n${this.logTail()}`);
      try {
        const res = await fetch(`${this.api}/info`);
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        this.process.kill('SIGKILL');
        throw new Error(`janus's HTTP API did not come up in 10 s:\n${this.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A TCP port free on 127.0.0.1 right now (janus binds it a moment later). */
async function freeTcpPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
