import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'webrtc-gateway.js');

export interface GatewayProcessOptions {
  /** A program to run instead of bin/webrtc-gateway.js that takes the same arguments. */
  entry?: string;
  /** Node options before the program, e.g. --expose-gc. */
  nodeArgs?: string[];
  /** An IPC channel to the process (child.send, child.on('message')). */
  ipc?: boolean;
}

/** A `webrtc-gateway` process (the built package, as a user runs it) and what its logs tell. */
export class GatewayProcess {
  readonly child: ChildProcess;
  /** Its JSON log lines so far, oldest first. */
  readonly logs: Record<string, unknown>[] = [];

  constructor(args: string[], options: GatewayProcessOptions = {}) {
    const stdio = options.ipc ? (['ignore', 'pipe', 'inherit', 'ipc'] as const) : (['ignore', 'pipe', 'inherit'] as const);
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry ?? BIN, ...args], { stdio: [...stdio] });
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
