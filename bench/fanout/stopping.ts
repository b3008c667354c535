/** Stopping the benchmark's processes within a bounded time, whatever state they are in. */
import type { MediaGateway } from '../lib/mediaGateway.js';

export function killQuietly(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** `promise`, or a rejection naming `what` after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${Math.round(ms / 1000)} s`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** MediaGateway.stop() waits for the exit however long it takes: bounded here, then SIGKILL. */
export async function stopGateway(gateway: MediaGateway, ms = 10_000): Promise<void> {
  try {
    await withTimeout(gateway.stop(), ms, 'gateway stop');
  } catch {
    killQuietly(gateway.pid);
  }
}
