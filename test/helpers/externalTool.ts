import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * An external media program (gst-launch-1.0, ffmpeg) that stops by itself when its input ends,
 * or on stop(); the start of its stderr is kept for failure messages.
 */
export class ExternalTool {
  readonly process: ChildProcess;
  stderr = '';

  constructor(command: string, args: string[]) {
    this.process = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process.stderr!.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 8192) this.stderr += chunk.toString();
    });
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  /** SIGINT (both tools then finish their outputs cleanly), then SIGKILL after 3 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const done = once(this.process, 'exit');
    this.process.kill('SIGINT');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await done;
    clearTimeout(timer);
  }
}
