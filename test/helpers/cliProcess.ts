import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'webrtc-gateway.js');

/** A `webrtc-gateway` process started from the package's bin, with its JSON log lines collected. */
export class GatewayProcess {
  readonly child: ChildProcess;
  readonly logs: Record<string, any>[] = [];
  stderr = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /**
   * `env` is laid over this process's environment (an undefined value removes a variable).
   * `wrapper`: a command that runs the gateway, e.g. ['prlimit', '--nofile=300:300']; `cwd`: its
   * working directory; `gateway`: the command that is the gateway, this repository's bin unless
   * given (an installed package's bin, `npm start --`).
   */
  constructor(
    args: string[],
    env: Record<string, string | undefined> = {},
    options: { wrapper?: string[]; cwd?: string; gateway?: string[] } = {},
  ) {
    const [command, ...rest] = [...(options.wrapper ?? []), ...(options.gateway ?? [process.execPath, BIN]), ...args];
    this.child = spawn(command!, rest, { env: { ...process.env, ...env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) this.logs.push(JSON.parse(line));
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The REST API's base URL, from the "REST API listening" log line. */
  async apiUrl(timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.logs.find((l) => l.msg === 'REST API listening');
      if (line) return line.api as string;
      if (this.child.exitCode !== null) throw new Error(`gateway exited with ${this.child.exitCode}: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error('gateway did not start listening');
      await new Promise((r) => setTimeout(r, 20));
    }
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
}
