/**
 * One Janus API session over the HTTP transport: requests, asynchronous plugin answers matched by
 * transaction, keepalives, and one long poll that hands every other event to `onEvent`.
 * All viewers share this session (one handle each): a single long poll and keepalive, so the
 * signaling Janus does per viewer is the handle's own, not a session and an HTTP connection more.
 */
import { randomBytes } from 'node:crypto';

export type JanusMessage = Record<string, any>;

/** Janus's default session_timeout is 60 s: a keepalive well inside it. */
const KEEPALIVE_MS = 25_000;

export class JanusSession {
  private readonly pending = new Map<string, { resolve: (m: JanusMessage) => void; reject: (e: Error) => void }>();
  private keepalive?: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly base: string,
    readonly id: number,
    private readonly onEvent: (m: JanusMessage) => void,
  ) {}

  static async create(base: string, onEvent: (m: JanusMessage) => void): Promise<JanusSession> {
    const created = await post(base, { janus: 'create', transaction: transaction() });
    const session = new JanusSession(base, created.data.id, onEvent);
    session.keepalive = setInterval(() => void session.request({ janus: 'keepalive' }).catch(() => {}), KEEPALIVE_MS);
    void session.poll();
    return session;
  }

  /** A Janus API request on the session or one of its handles; resolves with Janus's answer. */
  request(body: JanusMessage, handle?: number): Promise<JanusMessage> {
    const path = handle === undefined ? `/${this.id}` : `/${this.id}/${handle}`;
    return post(this.base + path, { transaction: transaction(), ...body });
  }

  async attach(plugin: string): Promise<number> {
    return (await this.request({ janus: 'attach', plugin })).data.id;
  }

  /**
   * A plugin message: resolves with the plugin's answer, whether Janus gives it at once
   * ("success") or acknowledges it and sends it later as an event on the long poll.
   */
  message(handle: number, body: object, jsep?: object): Promise<JanusMessage> {
    const tx = transaction();
    const later = new Promise<JanusMessage>((resolve, reject) => this.pending.set(tx, { resolve, reject }));
    // Registered before the request goes out: the event can come back before the ack.
    const now = post(`${this.base}/${this.id}/${handle}`, { janus: 'message', transaction: tx, body, ...(jsep ? { jsep } : {}) });
    return now.then(
      (m) => {
        if (m.janus === 'ack') return later;
        this.pending.delete(tx);
        return pluginAnswer(m);
      },
      (e: Error) => {
        this.pending.delete(tx);
        throw e;
      },
    );
  }

  close(): void {
    this.closed = true;
    clearInterval(this.keepalive);
    for (const p of this.pending.values()) p.reject(new Error('Janus session closed'));
    this.pending.clear();
  }

  /** The long poll: up to 100 events per answer, Janus answers a keepalive after 30 s idle. */
  private async poll(): Promise<void> {
    while (!this.closed) {
      let events: JanusMessage[];
      try {
        const res = await fetch(`${this.base}/${this.id}?maxev=100&rid=${Date.now()}`);
        const body = await res.json();
        events = Array.isArray(body) ? body : [body];
      } catch (e) {
        if (this.closed) return;
        process.stderr.write(`janus long poll: ${(e as Error).message}\n`);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      for (const event of events) {
        const waiting = event.transaction !== undefined ? this.pending.get(event.transaction) : undefined;
        if (waiting && event.janus === 'event') {
          this.pending.delete(event.transaction);
          try {
            waiting.resolve(pluginAnswer(event));
          } catch (e) {
            waiting.reject(e as Error);
          }
        } else if (event.janus !== 'keepalive') {
          this.onEvent(event);
        }
      }
    }
  }
}

/** The plugin's data and JSEP of an answer or event; throws on a Janus or plugin error. */
function pluginAnswer(m: JanusMessage): JanusMessage {
  if (m.janus === 'error') throw new Error(`Janus error ${m.error?.code}: ${m.error?.reason}`);
  const data = m.plugindata?.data ?? {};
  if (data.error) throw new Error(`plugin error ${data.error_code}: ${data.error}`);
  return { data, jsep: m.jsep };
}

/** A POST to the Janus (or admin) API; throws on an HTTP or Janus error. */
export async function post(url: string, body: object): Promise<JanusMessage> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const m = (await res.json()) as JanusMessage;
  if (m.janus === 'error') throw new Error(`Janus error ${m.error?.code}: ${m.error?.reason} (${JSON.stringify(body).slice(0, 120)})`);
  return m;
}

function transaction(): string {
  return randomBytes(8).toString('hex');
}
