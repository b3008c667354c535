import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The package's bin, as a user runs it (it loads the compiled dist/). */
export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'webrtc-gateway.js');

/** Bytes of stderr kept for error messages: the tail, so a long run cannot grow it without bound. */
const STDERR_KEPT = 64 * 1024;

export interface GatewayProcessOptions {
  /** A command that runs the gateway, e.g. ['prlimit', '--nofile=300:300']. */
  wrapper?: string[];
  /** Working directory. */
  cwd?: string;
  /**
   * The command that is the gateway: this repository's bin unless given (an installed package's
   * bin, or `[process.execPath, '--expose-gc', program]` for a program taking the same arguments).
   */
  gateway?: string[];
  /** An IPC channel to the process (child.send, child.on('message')). */
  ipc?: boolean;
  /** 'inherit': its stderr goes to ours (benchmarks); by default it is kept for error messages. */
  stderr?: 'keep' | 'inherit';
}

/** A `webrtc-gateway` process with its JSON log lines collected, for tests and benchmarks. */
export class GatewayProcess {
  readonly child: ChildProcess;
  /** Its JSON log lines so far, oldest first. */
  readonly logs: Record<string, any>[] = [];
  /** The tail of its stderr (empty with `stderr: 'inherit'`). */
  stderr = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** `env` is laid over this process's environment (an undefined value removes a variable). */
  constructor(args: string[], env: Record<string, string | undefined> = {}, options: GatewayProcessOptions = {}) {
    const [command, ...rest] = [...(options.wrapper ?? []), ...(options.gateway ?? [process.execPath, BIN]), ...args];
    const stderr = options.stderr === 'inherit' ? 'inherit' : 'pipe';
    const stdio = ['ignore', 'pipe', stderr, ...(options.ipc ? ['ipc' as const] : [])] as const;
    this.child = spawn(command!, rest, { env: { ...process.env, ...env }, cwd: options.cwd, stdio: [...stdio] });
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) this.logs.push(JSON.parse(line));
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_KEPT)));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The value of `field` in the first log line with message `msg`; rejects if the process exits first. */
  async logged(msg: string, field: string, timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.logs.find((l) => l['msg'] === msg);
      if (line) return String(line[field]);
      if (this.child.exitCode !== null) throw new Error(`gateway exited with ${this.child.exitCode}: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no "${msg}" log line within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The REST API's base URL, from the "REST API listening" log line. */
  apiUrl(timeoutMs = 10000): Promise<string> {
    return this.logged('REST API listening', 'api', timeoutMs);
  }

  /** Waits for exit; rejects if it takes longer than `timeoutMs`, killing the process. */
  async exit(timeoutMs = 10000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      const result = await this.exited;
      if (result.signal === 'SIGKILL') throw new Error('the gateway did not exit in time');
      return result;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM (a graceful stop), then its exit; SIGKILL after `timeoutMs`, which rejects. */
  async stop(timeoutMs = 10000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exit(timeoutMs);
  }
}
