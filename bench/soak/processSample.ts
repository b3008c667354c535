/**
 * What a process holds, read from /proc/<pid> by another process: memory (VmRSS, VmHWM),
 * threads, open descriptors, and of those the UDP sockets (a socket descriptor whose inode is
 * listed in the process's /proc/<pid>/net/udp or udp6, i.e. a bound UDP socket of its network
 * namespace).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessSample {
  /** VmRSS and VmHWM (the peak of VmRSS since the process started), kB. */
  rssKb: number;
  hwmKb: number;
  threads: number;
  descriptors: number;
  /** Descriptors that are sockets of any kind (TCP, UDP, Unix). */
  sockets: number;
  udpSockets: number;
}

export function sampleProcess(pid: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  const inodes = new Set<string>();
  let descriptors = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    descriptors++;
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith('socket:[')) inodes.add(target.slice(8, -1));
    } catch {
      // Closed between the listing and the read.
    }
  }
  let udpSockets = 0;
  for (const table of ['udp', 'udp6']) {
    // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const inode = line.trim().split(/\s+/)[9];
      if (inode && inodes.has(inode)) udpSockets++;
    }
  }
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM'), threads: field('Threads'), descriptors, sockets: inodes.size, udpSockets };
}

/** Max open files (soft and hard) from /proc/<pid>/limits. */
export function descriptorLimit(pid: number): { soft: string; hard: string } {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft = '?', hard = '?'] = line?.slice('Max open files'.length).trim().split(/\s+/) ?? [];
  return { soft, hard };
}

/** The largest value of each field over several samples. */
export function peakOf(samples: ProcessSample[]): ProcessSample {
  const peak = { ...samples[0]! };
  for (const s of samples) for (const k of Object.keys(peak) as (keyof ProcessSample)[]) peak[k] = Math.max(peak[k], s[k]);
  return peak;
}
