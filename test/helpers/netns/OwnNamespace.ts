// The test process's own network namespace as a NetworkNamespace, so processes that belong beside
// the test (a peer on the gateway's LAN) are started, tracked and stopped like those in a holder's.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

import { isRunning, stopChild } from './childProcess.js';
import { runCommand } from './command.js';
import type { NetworkNamespace } from './NetworkNamespace.js';

export class OwnNamespace implements NetworkNamespace {
  readonly netnsPath = `/proc/${process.pid}/ns/net`;
  private readonly children = new Set<ChildProcess>();
  private closed = false;

  spawn(command: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
    if (this.closed) throw new Error('spawn after close()');
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', command, ...args], options);
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  exec(command: string, args: readonly string[] = []): Promise<string> {
    return runCommand(command, args);
  }

  pids(): number[] {
    return [...this.children].filter(isRunning).map((c) => c.pid!);
  }

  async stopChildren(keep: readonly ChildProcess[] = [], graceMs = 2000): Promise<void> {
    await Promise.all([...this.children].filter((c) => !keep.includes(c)).map((c) => stopChild(c, graceMs)));
  }

  /** Stops what it started; the namespace itself stays (it is the test's). */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopChildren();
  }

  killSync(): void {
    this.closed = true;
    for (const child of this.children) if (isRunning(child)) child.kill('SIGKILL');
  }
}
