/** A TypeScript program of bench/lib in its own process, driven by IPC messages with a `type`. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export class TsChild {
  readonly process: ChildProcess;
  private readonly queued: any[] = [];
  private readonly waiting: { type: string; resolve: (m: any) => void }[] = [];

  constructor(script: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env) {
    this.process = fork(join(import.meta.dirname, script), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
    this.process.on('message', (m: any) => {
      const i = this.waiting.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(m);
      else this.queued.push(m);
    });
  }

  send(message: object): void {
    this.process.send(message);
  }

  /** The next message of `type` (queued or yet to come); rejects after `timeoutMs`. */
  next(type: string, timeoutMs = 60_000): Promise<any> {
    const i = this.queued.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.queued.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = { type, resolve: (m: any) => (clearTimeout(timer), resolve(m)) };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new Error(`no ${type} message from ${this.process.spawnfile}`));
      }, timeoutMs);
      this.waiting.push(waiter);
    });
  }

  /** Asks for `type` and waits for the answer of the same type. */
  request(message: { type: string }, timeoutMs?: number): Promise<any> {
    const answer = this.next(message.type, timeoutMs);
    this.send(message);
    return answer;
  }

  kill(): void {
    if (this.process.exitCode === null) this.process.kill();
  }
}
