import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';

/** media_bind_addresses unset: every IPv4 address of the host, loopback included (a browser on this host reaches it there). */
export function defaultMediaBindAddresses(): string[] {
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4')
    .map((i) => i.address);
  return addresses.length > 0 ? [...new Set(addresses)] : ['127.0.0.1'];
}

/** advertised_ip_v4 unset: port_bind_ip, or the first non-loopback IPv4 address when that is unspecified. */
export function defaultAdvertisedIpV4(bindIp: string): string {
  if (isIPv4(bindIp) && bindIp !== '0.0.0.0') return bindIp;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return '127.0.0.1';
}
