import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';

import { GatewayError } from '../../errors/GatewayError.js';
import { redirectTarget, type RedirectTarget } from '../data/RedirectTarget.js';
import { networkContains, parseIpAddress, parseNetwork, type IpAddressValue, type IpNetwork } from './IpNetwork.js';

/** Address blocks that are never a single receiving program (RFC 6890, RFC 4291 section 2.7). */
const UNSPECIFIED = ['0.0.0.0/8', '::/128'].map((n) => parseNetwork(n)!);
const MULTICAST = ['224.0.0.0/4', 'ff00::/8'].map((n) => parseNetwork(n)!);
const LINK_LOCAL = ['169.254.0.0/16', 'fe80::/10'].map((n) => parseNetwork(n)!);
const LIMITED_BROADCAST = parseNetwork('255.255.255.255/32')!;

/**
 * Where redirect_params may send received media and data. Without a list of allowed networks,
 * any unicast address: unspecified, broadcast (the limited one and each local subnet's),
 * multicast and link-local addresses are refused, so a REST client cannot make the gateway spray
 * a LAN or reach a link-local service. With a list, only addresses inside it (which may name
 * multicast or broadcast groups on purpose); unspecified addresses never.
 */
export class RedirectPolicy {
  private readonly allowed: readonly IpNetwork[] | undefined;

  constructor(
    allowedNetworks: readonly string[] | undefined,
    private readonly localBroadcasts: () => readonly string[] = subnetBroadcasts,
  ) {
    this.allowed = allowedNetworks?.map((text) => {
      const network = parseNetwork(text);
      if (!network) throw new TypeError(`not a network: ${text}`);
      return network;
    });
  }

  /** Why `address` may not be a redirect target, or undefined when it may. */
  refusal(address: string): string | undefined {
    const ip = parseIpAddress(address);
    if (!ip) return `${address} is not an IP address`;
    if (UNSPECIFIED.some((n) => networkContains(n, ip))) return `${address} is an unspecified address, not a receiver`;
    if (this.allowed) {
      if (this.allowed.some((n) => networkContains(n, ip))) return undefined;
      return `${address} is outside redirect_allowed_networks (${this.allowed.map((n) => n.text).join(', ')})`;
    }
    if (this.isBroadcast(ip)) return `${address} is a broadcast address (allow it with redirect_allowed_networks)`;
    if (MULTICAST.some((n) => networkContains(n, ip))) return `${address} is a multicast address (allow it with redirect_allowed_networks)`;
    if (LINK_LOCAL.some((n) => networkContains(n, ip))) return `${address} is a link-local address (allow it with redirect_allowed_networks)`;
    return undefined;
  }

  /** redirect_params checked: a 400 naming `field` when the address is refused. */
  target(params: { ip_v4?: string | undefined; ip_v6?: string | undefined; port: number }, field: string): RedirectTarget {
    const target = redirectTarget(params);
    const reason = this.refusal(target.address);
    if (reason) throw GatewayError.invalid(`${field}.${params.ip_v4 !== undefined ? 'ip_v4' : 'ip_v6'}`, reason);
    return target;
  }

  private isBroadcast(ip: IpAddressValue): boolean {
    if (ip.family !== 4) return false;
    if (networkContains(LIMITED_BROADCAST, ip)) return true;
    return this.localBroadcasts().some((b) => parseIpAddress(b)?.value === ip.value);
  }
}

/** The directed broadcast address of each local IPv4 subnet (RFC 919), except /31 and /32 links. */
export function subnetBroadcasts(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) {
      if (i.family !== 'IPv4' || !isIPv4(i.netmask) || i.internal) continue;
      const prefix = i.cidr ? Number(i.cidr.split('/')[1]) : 32;
      if (prefix >= 31) continue;
      const address = parseIpAddress(i.address)!.value;
      const host = (1n << BigInt(32 - prefix)) - 1n;
      const b = address | host;
      out.push([24n, 16n, 8n, 0n].map((s) => String((b >> s) & 0xffn)).join('.'));
    }
  }
  return out;
}
