import v8 from 'node:v8';
import vm from 'node:vm';

import type { Logger } from '../../log/createLogger.js';

/**
 * @roamhq/wrtc releases a closed RTCPeerConnection's threads and sockets only when V8 collects
 * its JavaScript wrapper, and V8 sees none of that native weight: a gateway that closes many
 * DataConnections would hold two threads and several sockets per closed PeerConnection until a
 * full collection happens to run. The reaper runs one, shortly after PeerConnections close
 * (coalescing bursts), and watches with a FinalizationRegistry until each is really gone.
 */
export class PeerConnectionReaper {
  private readonly finalizers = new FinalizationRegistry<undefined>(() => {
    this.pendingCount--;
  });
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private readonly collect: (() => void) | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly delayMs = 100,
    private readonly maxAttempts = 5,
  ) {
    this.collect = fullCollection(logger);
  }

  /** Closed PeerConnections not yet collected. */
  get pending(): number {
    return this.pendingCount;
  }

  /** `pc` has been closed and nothing of ours refers to it any more. */
  track(pc: object): void {
    this.finalizers.register(pc, undefined);
    this.pendingCount++;
    this.attempts = 0;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || !this.collect) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.pendingCount <= 0) return;
      this.collect!();
      // Finalizers run after the collection; the wrapper's native half goes on the next one.
      if (++this.attempts < this.maxAttempts) this.schedule();
      else this.logger.debug({ pending: this.pendingCount }, 'closed PeerConnections not yet collected');
    }, this.delayMs);
    this.timer.unref();
  }
}

/** V8's full collection: the `gc` of --expose-gc, enabled at runtime when the process lacks it. */
function fullCollection(logger: Logger): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch (error) {
    logger.warn({ err: error }, 'cannot trigger garbage collection: closed PeerConnections are freed whenever V8 collects');
    return undefined;
  }
}
