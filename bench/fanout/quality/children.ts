/** Ending the quality probes' processes within a bounded time. */
import { basename } from 'node:path';

import type { TsChild } from '../../lib/tsChild.js';

/** Waits for `stopping`, or calls `kill` after `ms` and returns. */
export async function bounded(stopping: Promise<unknown>, kill: () => void, ms = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((r) => (timer = setTimeout(() => (kill(), r()), ms)));
  await Promise.race([stopping, late]);
  clearTimeout(timer);
}

/** Asks a child to exit ({type:'exit'}); kills it if it has not within 5 s. */
export async function stopChild(child: TsChild): Promise<void> {
  const p = child.process;
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  if (p.connected) child.send({ type: 'exit' });
  await bounded(exited, () => child.kill());
}

/** The child's next `type` message; rejects at once if the child exits first. */
export function nextOrExit(child: TsChild, type: string, timeoutMs: number): Promise<any> {
  return new Promise((resolve, reject) => {
    const script = basename(child.process.spawnargs.find((a) => a.endsWith('.ts')) ?? 'child');
    const exited = (code: number | null) => reject(new Error(`${script} exited (${code}) before ${type}`));
    child.process.once('exit', exited);
    child.next(type, timeoutMs).then(resolve, reject).finally(() => child.process.off('exit', exited));
  });
}
