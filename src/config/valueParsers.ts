import { isIP, isIPv4 } from 'node:net';

import { ConfigError } from './ConfigError.js';
import { parseIceServerUrl, type IceServerUrl } from '../session/ice/IceServerUrl.js';
import { parseNetwork } from '../session/redirect/IpNetwork.js';
import { normalizeMountPath } from '../signaling/server/SignalingConfig.js';

/** A setting's value as one source gave it (a string from flags and env, any TOML value from a file). */
export interface RawValue {
  readonly value: unknown;
  /** Where it came from, for errors: `--api-port`, `WEBRTC_GATEWAY_API_PORT` or `file: api_port`. */
  readonly source: string;
}

/** `source = value`, how every error names the offending setting (secrets use `source` alone). */
export function describe(v: RawValue): string {
  return `${v.source} = ${JSON.stringify(v.value)}`;
}

export function integerIn(min: number, max: number) {
  return (v: RawValue): number => {
    const n = typeof v.value === 'number' ? v.value : typeof v.value === 'string' && /^\s*\d+\s*$/.test(v.value) ? Number(v.value) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${describe(v)}: must be an integer from ${min} to ${max}`);
    }
    return n;
  };
}

/** The words parseCliArgs also accepts after a boolean flag. */
export function boolean(v: RawValue): boolean {
  if (typeof v.value === 'boolean') return v.value;
  const text = typeof v.value === 'string' ? v.value.trim().toLowerCase() : '';
  if (['true', 'yes', 'on', '1'].includes(text)) return true;
  if (['false', 'no', 'off', '0'].includes(text)) return false;
  throw new ConfigError(`${describe(v)}: must be true or false`);
}

export function nonEmpty(v: RawValue): string {
  if (typeof v.value !== 'string' || v.value.length === 0) throw new ConfigError(`${describe(v)}: must be a non-empty string`);
  return v.value;
}

/** A password or secret: errors name where it came from, never the value. */
export function secretString(v: RawValue): string {
  if (typeof v.value !== 'string' || v.value.length === 0) throw new ConfigError(`${v.source}: must be a non-empty string`);
  return v.value;
}

export function apiToken(v: RawValue): string {
  const token = nonEmpty(v);
  // Header-safe and long enough to resist guessing.
  if (!/^[\x21-\x7e]{16,1024}$/.test(token)) {
    throw new ConfigError(`${v.source}: must be 16 to 1024 printable ASCII characters without spaces`);
  }
  return token;
}

/**
 * One of `allowed`, case-insensitive. `name`: the error says "<name> must be one of" and
 * surrounding spaces are ignored (ice_transport_policy); without it, "must be one of" (log_level).
 */
export function oneOf<T extends string>(allowed: readonly T[], name?: string) {
  return (v: RawValue): T => {
    const text = typeof v.value === 'string' ? (name === undefined ? v.value : v.value.trim()) : undefined;
    const value = text === undefined ? v.value : text.toLowerCase();
    if (!(allowed as readonly unknown[]).includes(value)) {
      throw new ConfigError(`${describe(v)}: ${name === undefined ? '' : `${name} `}must be one of ${allowed.join(', ')}`);
    }
    return value as T;
  };
}

export function ipAddress(v: RawValue): string {
  if (typeof v.value !== 'string' || isIP(v.value) === 0) {
    throw new ConfigError(`${describe(v)}: must be a numeric IPv4 or IPv6 address`);
  }
  return v.value;
}

export function ipV4Address(v: RawValue): string {
  if (typeof v.value !== 'string' || !isIPv4(v.value)) {
    throw new ConfigError(`${describe(v)}: must be a numeric IPv4 address`);
  }
  return v.value;
}

export function mountPath(v: RawValue): string {
  const path = nonEmpty(v);
  if (!/^\/?[A-Za-z0-9._~\-/]*$/.test(path)) throw new ConfigError(`${describe(v)}: must be a URL path such as / or /myapp/`);
  return normalizeMountPath(path);
}

export function websocketUrl(v: RawValue): string {
  const text = nonEmpty(v);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${describe(v)}: must be a ws://, wss://, http:// or https:// URL`);
  }
  const protocol = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' }[url.protocol];
  if (!protocol || url.search || url.hash) throw new ConfigError(`${describe(v)}: must be a ws:// or wss:// URL with no query`);
  url.protocol = protocol;
  url.pathname = normalizeMountPath(url.pathname);
  return url.toString();
}

/** A comma-separated string (flags, env) or an array (TOML), items trimmed, empty ones dropped. */
export function listOf(v: RawValue): string[] {
  const items = Array.isArray(v.value) ? v.value : typeof v.value === 'string' ? v.value.split(',') : undefined;
  if (!items) throw new ConfigError(`${describe(v)}: must be a comma-separated list or an array of strings`);
  return items.map((i) => String(i).trim()).filter((i) => i.length > 0);
}

export function ipAddressList(v: RawValue): string[] {
  const list = listOf(v);
  if (list.length === 0) throw new ConfigError(`${describe(v)}: must name at least one address`);
  for (const ip of list) if (!isIP(ip)) throw new ConfigError(`${describe(v)}: ${JSON.stringify(ip)} is not an IP address`);
  return list;
}

export function hostPortList(v: RawValue): { ip: string; port: number }[] {
  return listOf(v).map((item) => {
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(item) ?? /^([^:]+):(\d+)$/.exec(item);
    const port = m ? Number(m[2]) : NaN;
    if (!m || !isIP(m[1]!) || !(port >= 1 && port <= 65535)) {
      throw new ConfigError(`${describe(v)}: ${JSON.stringify(item)} must be ip:port or [ipv6]:port with an IP address`);
    }
    return { ip: m[1]!, port };
  });
}

/** Host names as a Host header carries them, lower case; IP literals need no entry. */
export function hostNameList(v: RawValue): string[] {
  return listOf(v).map((item) => {
    const host = item.toLowerCase();
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(host) || host.length > 253) {
      throw new ConfigError(`${describe(v)}: ${JSON.stringify(item)} is not a host name (no port, no scheme)`);
    }
    return host.replace(/\.$/, '');
  });
}

/** Web origins, normalized as browsers send them: scheme://host[:port], no path. */
export function originList(v: RawValue): string[] {
  return listOf(v).map((item) => {
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      throw new ConfigError(`${describe(v)}: ${JSON.stringify(item)} is not an origin such as https://app.example.com`);
    }
    if (!['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username) {
      throw new ConfigError(`${describe(v)}: ${JSON.stringify(item)} must be scheme://host[:port] with nothing after it`);
    }
    return url.origin;
  });
}

export function networkList(v: RawValue): string[] {
  const list = listOf(v);
  if (list.length === 0) throw new ConfigError(`${describe(v)}: must name at least one network`);
  return list.map((item) => {
    const network = parseNetwork(item);
    if (!network) throw new ConfigError(`${describe(v)}: ${JSON.stringify(item)} is not a network such as 10.0.0.0/8 or 2001:db8::/32`);
    return network.text;
  });
}

export function iceServerList(v: RawValue): IceServerUrl[] {
  return listOf(v).map((item) => {
    const url = parseIceServerUrl(item);
    if (typeof url === 'string') throw new ConfigError(`${describe(v)}: ${JSON.stringify(item)} ${url}`);
    return url;
  });
}

/** media_advertised_addresses: one public address per bind address, of the same family, in order. */
export function advertisedAddressesFor(bindAddresses: readonly string[]) {
  return (v: RawValue): string[] => {
    const list = listOf(v);
    if (list.length === 0) return [];
    if (list.length !== bindAddresses.length) {
      throw new ConfigError(
        `${describe(v)}: names ${list.length} address(es) for ${bindAddresses.length} media_bind_addresses (${bindAddresses.join(', ')}): give one per bind address, in the same order`,
      );
    }
    list.forEach((ip, i) => {
      if (!isIP(ip)) throw new ConfigError(`${describe(v)}: ${JSON.stringify(ip)} is not an IP address`);
      if (isIP(ip) !== isIP(bindAddresses[i]!)) {
        throw new ConfigError(`${describe(v)}: ${ip} is advertised for ${bindAddresses[i]}, an address of the other family`);
      }
      if (ip === '0.0.0.0' || ip === '::') throw new ConfigError(`${describe(v)}: ${ip} is unspecified: advertise the public address`);
    });
    return list;
  };
}
