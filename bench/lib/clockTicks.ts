import { execFileSync } from 'node:child_process';

let ticks: number | undefined;

/** The kernel's USER_HZ (clock ticks per second of /proc CPU times), usually 100. */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}
