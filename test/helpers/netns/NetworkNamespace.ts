import type { ChildProcess, SpawnOptions } from 'node:child_process';

/** Where a test starts processes: a NamespaceHolder's namespace or the test process's own (OwnNamespace). */
export interface NetworkNamespace {
  /** The namespace as a path for `nsenter --net=`. */
  readonly netnsPath: string;
  /** Starts `command` there; it dies with the test process (setpriv --pdeathsig) and on close. */
  spawn(command: string, args?: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Runs `command` there to completion (10 s at most) and returns its stdout. */
  exec(command: string, args?: readonly string[]): Promise<string>;
  /** Every process it started that still runs (with a holder's own process). */
  pids(): number[];
  /** Stops what spawn() started (SIGTERM, SIGKILL after `graceMs`), except `keep`. */
  stopChildren(keep?: readonly ChildProcess[], graceMs?: number): Promise<void>;
  /** For the process 'exit' handler: SIGKILL to everything, synchronously. */
  killSync(): void;
}
