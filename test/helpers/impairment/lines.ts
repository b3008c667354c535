import type { Readable } from 'node:stream';

/**
 * The lines a child prints, kept in order so a test can wait for the next one that matches. At
 * most `limit` unread lines are kept (the oldest go first), so a chatty child cannot grow memory.
 */
export class Lines {
  private readonly unread: string[] = [];
  private partial = '';
  private ended = false;
  private readonly waiters = new Set<() => void>();

  constructor(stream: Readable, private readonly limit = 10_000) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) this.unread.push(line.trim());
      if (this.unread.length > this.limit) this.unread.splice(0, this.unread.length - this.limit);
      this.wakeAll();
    });
    stream.on('close', () => {
      this.ended = true;
      this.wakeAll();
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Takes the next line that satisfies `match` (skipping others); rejects after `timeoutMs` or at end of stream. */
  async next(timeoutMs: number, what: string, match: (line: string) => boolean = () => true): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.unread.length > 0) {
        const line = this.unread.shift()!;
        if (match(line)) return line;
      }
      const left = deadline - Date.now();
      if (this.ended) throw new Error(`stream ended before ${what}`);
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** The next line that parses as a JSON object satisfying `match`. */
  async nextJson<T = Record<string, unknown>>(timeoutMs: number, what: string, match: (value: any) => boolean = () => true): Promise<T> {
    let parsed: unknown;
    await this.next(timeoutMs, what, (line) => {
      if (!line.startsWith('{')) return false;
      try {
        parsed = JSON.parse(line);
      } catch {
        return false;
      }
      return match(parsed);
    });
    return parsed as T;
  }
}
