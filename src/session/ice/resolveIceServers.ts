import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import { ConfigError } from '../../config/ConfigError.js';
import type { IceServerUrl } from './IceServerUrl.js';

/** An ICE server with the addresses its host had at start (one, for an IP literal). */
export interface ResolvedIceServer {
  readonly url: IceServerUrl;
  /** In the resolver's order; IPv4 and IPv6 mixed. */
  readonly addresses: readonly string[];
}

/** A host name's A and AAAA addresses (getaddrinfo: /etc/hosts, then DNS). */
export type HostLookup = (host: string) => Promise<string[]>;

const systemLookup: HostLookup = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** A name that takes longer than this to resolve stops the start. */
const LOOKUP_TIMEOUT_MS = 10_000;

/**
 * Resolves every host name once, at start: connections then use the addresses without a DNS
 * look-up each. A name that does not resolve is a ConfigError (code ICE_SERVER_UNRESOLVED).
 */
export async function resolveIceServers(urls: readonly IceServerUrl[], lookupHost: HostLookup = systemLookup): Promise<ResolvedIceServer[]> {
  const resolved: ResolvedIceServer[] = [];
  for (const url of urls) {
    if (isIP(url.host)) {
      resolved.push({ url, addresses: [url.host] });
      continue;
    }
    let addresses: string[];
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${LOOKUP_TIMEOUT_MS / 1000} s`)), LOOKUP_TIMEOUT_MS);
      });
      addresses = await Promise.race([lookupHost(url.host), timeout]);
    } catch (cause) {
      throw new ConfigError(`ice_servers: ${url.text}: the host name ${url.host} does not resolve (${(cause as Error).message})`, {
        cause,
        code: 'ICE_SERVER_UNRESOLVED',
      });
    } finally {
      clearTimeout(timer);
    }
    const usable = addresses.filter((a) => isIP(a) !== 0);
    if (usable.length === 0) {
      throw new ConfigError(`ice_servers: ${url.text}: the host name ${url.host} has no A or AAAA address`, { code: 'ICE_SERVER_UNRESOLVED' });
    }
    resolved.push({ url, addresses: usable });
  }
  return resolved;
}
