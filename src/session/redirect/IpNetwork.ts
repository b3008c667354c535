import { isIPv4, isIPv6 } from 'node:net';

/** An IPv4 or IPv6 address as a number: 32 bits for IPv4, 128 for IPv6. */
export interface IpAddressValue {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** A CIDR network, e.g. 10.0.0.0/8 or 2001:db8::/32 (RFC 4632, RFC 4291 section 2.3). */
export interface IpNetwork {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
  /** Canonical text: the base address with host bits cleared, "/", the prefix. */
  readonly text: string;
}

/**
 * Parses an address. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 section 2.5.5.2) is
 * the IPv4 address it maps, so a policy on IPv4 networks cannot be sidestepped through it.
 */
export function parseIpAddress(text: string): IpAddressValue | undefined {
  if (isIPv4(text)) return { family: 4, value: ipv4Value(text) };
  if (!isIPv6(text) || text.includes('%')) return undefined;
  const value = ipv6Value(text);
  if (value === undefined) return undefined;
  if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
  return { family: 6, value };
}

/** Parses "address/prefix"; a bare address is a network of one. */
export function parseNetwork(text: string): IpNetwork | undefined {
  const [addressText, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || addressText === undefined) return undefined;
  const address = isIPv4(addressText)
    ? { family: 4 as const, value: ipv4Value(addressText) }
    : isIPv6(addressText)
      ? { family: 6 as const, value: ipv6Value(addressText) }
      : undefined;
  if (!address || address.value === undefined) return undefined;
  const bits = address.family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  const base = address.value & mask(bits, prefix);
  return { family: address.family, base, prefix, text: `${formatAddress(address.family, base)}/${prefix}` };
}

export function networkContains(network: IpNetwork, address: IpAddressValue): boolean {
  if (network.family !== address.family) return false;
  const bits = network.family === 4 ? 32 : 128;
  return (address.value & mask(bits, network.prefix)) === network.base;
}

function mask(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return prefix === 0 ? 0n : all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

/** node:net has already said `text` is IPv6 (hex groups, one "::", maybe a dotted IPv4 tail). */
function ipv6Value(text: string): bigint | undefined {
  let groupsText = text;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return undefined;
    const v = Number(ipv4Value(tail));
    groupsText = `${text.slice(0, lastColon + 1)}${(v >>> 16).toString(16)}:${(v & 0xffff).toString(16)}`;
  }
  const [head, rest] = groupsText.split('::') as [string, string | undefined];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return undefined;
  const groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

export function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups = [...Array(8).keys()].map((i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952 section 4.2: the longest run of two or more zero groups becomes "::".
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
