import { readFileSync } from 'node:fs';

/**
 * Datagrams the kernel dropped for the UDP socket bound to `port` because its receive buffer
 * was full: the "drops" column of /proc/net/udp (udp6 for IPv6). Undefined where /proc is not
 * readable. These are losses no socket API reports to the reader, so the port status shows them.
 */
export function kernelUdpDrops(port: number, family: 4 | 6): number | undefined {
  let table: string;
  try {
    table = readFileSync(family === 4 ? '/proc/net/udp' : '/proc/net/udp6', 'utf8');
  } catch {
    return undefined;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let drops = 0;
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops
    if (fields.length < 13 || !fields[1]!.endsWith(`:${hexPort}`)) continue;
    drops += Number(fields[fields.length - 1]) || 0;
  }
  return drops;
}
