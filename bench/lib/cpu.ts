import { readdirSync, readFileSync } from 'node:fs';
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

/**
 * CPU time in nanoseconds of one thread of any process, from /proc/<pid>/task/<tid>/schedstat
 * (the scheduler's run time, in ns): a few thousand packets cost only a few /proc ticks.
 */
export function threadCpuNanos(pid: number, tid: number): number {
  return schedstatNanos(`/proc/${pid}/task/${tid}/schedstat`);
}

/** CPU time in nanoseconds of a whole process (every thread), from /proc/<pid>/schedstat. */
export function processCpuNanos(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += threadCpuNanos(pid, Number(tid));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total;
}

function schedstatNanos(path: string): number {
  return Number(readFileSync(path, 'utf8').split(' ')[0]);
}
