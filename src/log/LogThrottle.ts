/**
 * Lets one log line through per interval and counts the ones held back, so that a flood (many
 * clients dropped at once) cannot turn into a flood of log lines.
 */
export class LogThrottle {
  private last = -Infinity;
  private held = 0;

  constructor(private readonly intervalMs: number) {}

  /** Undefined: stay quiet. Otherwise log now, mentioning `suppressed` lines held back since the last. */
  admit(now: number): { suppressed: number } | undefined {
    if (now - this.last < this.intervalMs) {
      this.held++;
      return undefined;
    }
    this.last = now;
    const suppressed = this.held;
    this.held = 0;
    return { suppressed };
  }
}
