import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'webrtc-gateway.js');

/** A `webrtc-gateway` process (the built package, as a user runs it) and what its logs tell. */
export class GatewayProcess {
  readonly child: ChildProcess;
  private readonly logs: Record<string, unknown>[] = [];

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) this.logs.push(JSON.parse(line) as Record<string, unknown>);
    });
  }

  /** The value of `field` in the first log line with message `msg`. */
  async logged(msg: string, field: string, timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.logs.find((l) => l['msg'] === msg);
      if (line) return String(line[field]);
      if (this.child.exitCode !== null) throw new Error(`gateway exited with ${this.child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`no "${msg}" log line`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}
