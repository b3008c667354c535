// A network namespace held by a `sleep infinity` process rather than `ip netns add`, which needs to
// mount /run/netns and so fails inside the test suites' `unshare --net --map-root-user`. Everything
// started here goes through `setpriv --pdeathsig KILL`, so it dies with the test process even if
// that is SIGKILLed, and the namespace (with its interfaces) goes with the holder.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readlinkSync } from 'node:fs';

import { isRunning, stopChild } from './childProcess.js';
import { runCommand } from './command.js';
import type { NetworkNamespace } from './NetworkNamespace.js';

export class NamespaceHolder implements NetworkNamespace {
  private readonly children = new Set<ChildProcess>();
  private closed = false;

  private constructor(
    private readonly holder: ChildProcess,
    /** The namespace as a path for `nsenter --net=` (valid until close()). */
    readonly netnsPath: string,
  ) {}

  /** Starts the holder and resolves once it is inside its new namespace (2 s at most). */
  static async start(): Promise<NamespaceHolder> {
    const holder = spawn('setpriv', ['--pdeathsig', 'KILL', 'unshare', '--net', '--', 'sleep', 'infinity'], { stdio: 'ignore' });
    let spawnError: Error | undefined;
    holder.on('error', (e) => (spawnError = e));
    const ours = readlinkSync('/proc/self/ns/net');
    const path = `/proc/${holder.pid}/ns/net`;
    for (let i = 0; i < 200; i++) {
      const failure =
        spawnError ? `cannot start the namespace holder (setpriv, unshare from util-linux): ${spawnError.message}`
        : !isRunning(holder) ? `the namespace holder (unshare --net sleep infinity) exited with ${holder.exitCode ?? holder.signalCode}`
        : undefined;
      if (failure) {
        if (isRunning(holder)) holder.kill('SIGKILL');
        throw new Error(failure);
      }
      try {
        // unshare runs after the fork: wait until the holder has left our namespace.
        if (readlinkSync(path) !== ours) return new NamespaceHolder(holder, path);
      } catch {
        // not there yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    holder.kill('SIGKILL');
    throw new Error('the namespace holder did not enter a new network namespace within 2 s');
  }

  /** The holder's pid: `ip link ... netns <pid>` moves an interface into this namespace. */
  get pid(): number {
    return this.holder.pid!;
  }

  /** Starts `command` inside the namespace (it dies with the test process and on close()). */
  spawn(command: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
    if (this.closed) throw new Error('spawn in a closed namespace');
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', 'nsenter', `--net=${this.netnsPath}`, '--', command, ...args], options);
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  /** Runs `command` inside the namespace to completion (10 s at most) and returns its stdout. */
  exec(command: string, args: readonly string[] = []): Promise<string> {
    return runCommand('nsenter', [`--net=${this.netnsPath}`, '--', command, ...args]);
  }

  /** Every process of this namespace still running: the holder and what spawn() started. */
  pids(): number[] {
    return [this.holder, ...this.children].filter(isRunning).map((c) => c.pid!);
  }

  /** Stops what spawn() started (SIGTERM, SIGKILL after `graceMs`), except `keep`. */
  async stopChildren(keep: readonly ChildProcess[] = [], graceMs = 2000): Promise<void> {
    await Promise.all([...this.children].filter((c) => !keep.includes(c)).map((c) => stopChild(c, graceMs)));
  }

  /** Stops every process and with the holder the namespace itself. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopChildren();
    await stopChild(this.holder, 0);
  }

  /** For the process 'exit' handler: SIGKILL to everything, synchronously. */
  killSync(): void {
    this.closed = true;
    for (const child of [...this.children, this.holder]) if (isRunning(child)) child.kill('SIGKILL');
  }
}

/** `ip link del` for the 'exit' handler, which can only run synchronous code. */
export function deleteLinkSync(name: string): void {
  spawnSync('ip', ['link', 'del', name], { stdio: 'ignore', timeout: 10_000 });
}
