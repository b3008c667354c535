import type { Readable } from 'node:stream';

export type JsonEvent = Record<string, unknown> & { event: string };

/**
 * The JSON lines a child prints (or events pushed from a browser page), as events every listener
 * sees (unlike impairment/Lines, whose next() consumes): the signaling relay and the test both
 * read them. At most `limit` events are kept (the oldest go first).
 */
export class JsonLineEvents {
  private readonly events: JsonEvent[] = [];
  private partial = '';
  private ended = false;
  private readonly listeners = new Set<(e: JsonEvent) => void>();
  private readonly wakers = new Set<() => void>();

  constructor(private readonly limit = 10_000) {}

  /** Takes the JSON lines of `stream` (a child's stdout) until it closes, which ends the events. */
  attach(stream: Readable): void {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) this.pushJson(line.trim());
    });
    stream.on('close', () => this.end());
  }

  /** No more events will come: waits that are still open fail at once. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** Takes one line of JSON text; anything but an object with a string `event` is ignored. */
  pushJson(line: string): void {
    if (!line.startsWith('{')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof value !== 'object' || value === null || typeof (value as JsonEvent).event !== 'string') return;
    const e = value as JsonEvent;
    this.events.push(e);
    if (this.events.length > this.limit) this.events.shift();
    for (const listener of this.listeners) listener(e);
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }

  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: (e: JsonEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every event kept so far. */
  all(): readonly JsonEvent[] {
    return this.events;
  }

  /** The first event so far (or to come) that satisfies `match`; rejects after `timeoutMs` or when the stream ends without one. */
  async waitFor<T extends JsonEvent = JsonEvent>(timeoutMs: number, what: string, match: (e: JsonEvent) => boolean): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found as T;
      if (this.ended) throw new Error(`stream ended before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.wakers.add(wake);
      });
    }
  }
}
