/**
 * CPU time and RSS of a process and all its descendants, from /proc: a system under test may do
 * its work in child processes, and only the system's own processes are to be counted.
 */
import { readdirSync, readFileSync } from 'node:fs';

import { clockTicks } from '../lib/clockTicks.js';
import { processCpuNanos } from '../lib/cpu.js';

/** `pid` and every process below it, found through the parent pid field of /proc/<pid>/stat. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields count from the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone since the listing.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** CPU time of the tree in ns (scheduler run time of every thread). */
export function treeCpuNs(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      total += processCpuNanos(p);
    } catch {
      // Exited since the listing.
    }
  }
  return total;
}

/** Resident set of the tree in MB (VmRSS; pages shared between its processes count twice). */
export function treeRssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Exited since the listing.
    }
  }
  return kb / 1024;
}

/** CPU time the whole machine spent busy (all CPUs, /proc/stat, everything but idle and iowait), ns. */
export function machineBusyNs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const busy = fields.slice(0, 8).reduce((s, v, i) => (i === 3 || i === 4 ? s : s + v), 0);
  return (busy * 1e9) / clockTicks();
}
