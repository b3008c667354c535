/**
 * Keeps a DataChannel's send queue under `limitBytes` without asking libwebrtc per message
 * (reading bufferedAmount is a blocking cross-thread call in @roamhq/wrtc, ~45 µs).
 *
 * `lastReading + sentSinceReading` bounds the real queue from above (the queue only shrinks on
 * its own), so the real value is read only when that bound would pass the limit: with a queue
 * that drains, once per `limitBytes` sent. A message that finds the queue empty always goes, so
 * the queue stays under `limitBytes` plus one message. Otherwise, past the limit the channel is
 * congested: everything is refused until a poll finds the queue back under half the limit. libwebrtc itself closes a
 * channel whose queue reaches 16 MiB, and its SCTP slows to a crawl long before: this guard is
 * what keeps a fast UDP sender from wrecking the connection.
 */
export class ChannelBackpressure {
  private lastReading = 0;
  private sentSinceReading = 0;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly readBufferedAmount: () => number,
    readonly limitBytes: number,
    private readonly pollMs = 5,
  ) {}

  get congested(): boolean {
    return this.poll !== undefined;
  }

  /** Whether `bytes` more may be queued now; if so they are accounted as queued. */
  admit(bytes: number): boolean {
    if (this.poll) return false;
    if (this.lastReading + this.sentSinceReading + bytes > this.limitBytes) {
      this.lastReading = this.readBufferedAmount();
      this.sentSinceReading = 0;
      if (this.lastReading > 0 && this.lastReading + bytes > this.limitBytes) {
        this.startPolling();
        return false;
      }
    }
    this.sentSinceReading += bytes;
    return true;
  }

  /** Stops polling (the channel closed). */
  stop(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }

  private startPolling(): void {
    this.poll = setInterval(() => {
      this.lastReading = this.readBufferedAmount();
      if (this.lastReading <= this.limitBytes / 2) this.stop();
    }, this.pollMs);
    this.poll.unref();
  }
}
