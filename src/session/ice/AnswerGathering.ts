import type { Candidate } from '../../native/NativeTypes.js';
import type { TransportEvent } from '../../native/TransportEvent.js';

/** Candidates gathered after the transport's start that one answer takes at most (one per server and address). */
const MAX_GATHERED = 32;

/**
 * The wait of an answerer that cannot trickle (a WHIP or WHEP server: RFC 9725 section 4.2 sends
 * the server's candidates in the answer only) for the candidates its transport gathers after it
 * starts: server-reflexive ones from STUN, relayed ones from TURN. Ends at the transport's
 * gathering-complete, at `finish()` (the session closed) or after `waitMs`, whichever is first.
 */
export class AnswerGathering {
  readonly finished: Promise<void>;
  private readonly gathered: Candidate[] = [];
  private end: () => void = () => {};
  private timer: NodeJS.Timeout | undefined;

  constructor(waitMs: number) {
    this.finished = new Promise<void>((resolve) => {
      this.end = resolve;
    });
    this.timer = setTimeout(() => this.finish(), waitMs);
    this.timer.unref();
  }

  onTransportEvent(event: TransportEvent): void {
    switch (event.kind) {
      case 'local-candidate':
        if (this.gathered.length < MAX_GATHERED) this.gathered.push(event.candidate);
        break;
      case 'gathering-complete':
        this.finish();
        break;
      default:
        break;
    }
  }

  finish(): void {
    clearTimeout(this.timer);
    this.end();
  }

  /** `initial` (the transport's candidates at its start) and every one gathered since, each once. */
  candidatesWith(initial: readonly Candidate[]): Candidate[] {
    const seen = new Set<string>();
    return [...initial, ...this.gathered].filter((c) => {
      const key = `${c.type} ${c.ip} ${c.port}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
