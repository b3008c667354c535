/** A TypeScript program of bench/lib in its own process, driven by IPC messages with a `type`. */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

type Match = (message: any) => boolean;

export class TsChild {
  readonly process: ChildProcess;
  private readonly queued: any[] = [];
  private readonly waiting: { type: string; match: Match; resolve: (m: any) => void }[] = [];
  private readonly listeners = new Map<string, (m: any) => void>();

  /** `script` is relative to bench/lib, or an absolute path. */
  constructor(script: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env) {
    this.process = fork(resolve(import.meta.dirname, script), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
    this.process.on('message', (m: any) => {
      const listener = this.listeners.get(m.type);
      if (listener) return listener(m);
      const i = this.waiting.findIndex((w) => w.type === m.type && w.match(m));
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(m);
      else this.queued.push(m);
    });
  }

  send(message: object): void {
    this.process.send(message);
  }

  /** Hands every message of `type` to `handler` instead of queueing it (for unsolicited streams). */
  listen(type: string, handler: (m: any) => void): void {
    this.listeners.set(type, handler);
  }

  /**
   * The next message of `type` that `match` accepts (any, by default), queued or yet to come;
   * rejects after `timeoutMs`.
   */
  next(type: string, timeoutMs = 60_000, match: Match = () => true): Promise<any> {
    const i = this.queued.findIndex((m) => m.type === type && match(m));
    if (i >= 0) return Promise.resolve(this.queued.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = { type, match, resolve: (m: any) => (clearTimeout(timer), resolve(m)) };
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
