import { readFileSync } from 'node:fs';
import { clockTicks } from './clockTicks.js';

/** CPU time (user + system) in microseconds of one thread of this process, from /proc. */
export function threadCpuMicros(tid: number): number {
  return statCpuMicros(`/proc/self/task/${tid}/stat`);
}

/** CPU time (user + system) in microseconds of a whole process. */
export function processCpuMicros(pid: number | 'self' = 'self'): number {
  return statCpuMicros(`/proc/${pid}/stat`);
}

function statCpuMicros(path: string): number {
  const stat = readFileSync(path, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1e6) / clockTicks();
}
