import { isIPv4, isIPv6 } from 'node:net';

export type IceServerScheme = 'stun' | 'turn' | 'turns';

/** How the gateway reaches the server: stun: over UDP, turn: over UDP or TCP, turns: over TLS on TCP. */
export type IceServerTransport = 'udp' | 'tcp' | 'tls';

/** One entry of `ice_servers`: a STUN URI (RFC 7064) or a TURN URI (RFC 7065), parsed. */
export interface IceServerUrl {
  readonly scheme: IceServerScheme;
  /** A host name (lower case) or an IP literal, IPv6 without its brackets. */
  readonly host: string;
  readonly port: number;
  readonly transport: IceServerTransport;
  /** Normalized, port always given: `stun:h:p`, `turn:h:p?transport=udp|tcp`, `turns:h:p?transport=tcp`. */
  readonly text: string;
}

/** RFC 7064 section 3.1 and RFC 7065 section 3.1: 3478 for stun: and turn:, 5349 over TLS. */
const DEFAULT_PORTS: Record<IceServerScheme, number> = { stun: 3478, turn: 3478, turns: 5349 };

/** A DNS name as RFC 3986's reg-name allows it in practice: letters, digits and hyphens in dot-separated labels. */
const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/;

/**
 * Parses `stun:host[:port]`, `turn:host[:port][?transport=udp|tcp]` or
 * `turns:host[:port][?transport=tcp]`; an IPv6 host is written in brackets (RFC 3986 section 3.2.2).
 * Returns the reason as a string when the text is not such a URI.
 */
export function parseIceServerUrl(input: string): IceServerUrl | string {
  const text = input.trim();
  const m = /^([a-z]+):(.*)$/i.exec(text);
  if (!m) return 'must start with stun:, turn: or turns:';
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'stuns') return 'stuns: (STUN over TLS) is not supported; use stun: or turns:';
  if (scheme !== 'stun' && scheme !== 'turn' && scheme !== 'turns') return `scheme ${scheme}: is not stun:, turn: or turns:`;
  let rest = m[2]!;
  if (rest.startsWith('//')) return 'takes no "//" (RFC 7064/7065: stun:host:port, not stun://host:port)';
  if (rest.includes('@')) return 'takes no user name in the URL: set turn_username/turn_credential or turn_secret';
  if (rest.includes('#') || rest.includes('/')) return 'takes no path or fragment';

  let transport: IceServerTransport = scheme === 'turns' ? 'tls' : 'udp';
  const q = rest.indexOf('?');
  if (q >= 0) {
    const query = rest.slice(q + 1);
    rest = rest.slice(0, q);
    if (scheme === 'stun') return 'stun: takes no query (RFC 7064 section 3.1)';
    const t = /^transport=(udp|tcp)$/i.exec(query);
    if (!t) return 'the only query is ?transport=udp or ?transport=tcp (RFC 7065 section 3.1)';
    const asked = t[1]!.toLowerCase();
    if (scheme === 'turns' && asked === 'udp') return 'turns: with transport=udp (DTLS) is not supported; use turns:host or turns:host?transport=tcp';
    if (scheme === 'turn') transport = asked as 'udp' | 'tcp';
  }

  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return 'has an unclosed "[" around its IPv6 address';
    host = rest.slice(1, close);
    if (!isIPv6(host)) return `[${host}] is not an IPv6 address`;
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return 'has text after its "]" that is not :port';
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const parts = rest.split(':');
    if (parts.length > 2) return 'has more than one ":" after the scheme: write an IPv6 address in brackets, e.g. turn:[2001:db8::1]:3478';
    host = parts[0]!.toLowerCase();
    portText = parts[1];
    if (host === '') return 'names no host';
    if (!isIPv4(host) && (!HOST_NAME.test(host) || host.length > 253 || /^[0-9.]+$/.test(host))) {
      return `${JSON.stringify(parts[0])} is neither an IPv4 address nor a host name`;
    }
    host = host.replace(/\.$/, '');
  }
  let port = DEFAULT_PORTS[scheme];
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) return `port ${JSON.stringify(portText)} is not from 1 to 65535`;
  }
  const hostText = isIPv6(host) ? `[${host}]` : host;
  const query = scheme === 'stun' ? '' : `?transport=${transport === 'udp' ? 'udp' : 'tcp'}`;
  return { scheme, host, port, transport, text: `${scheme}:${hostText}:${port}${query}` };
}

/** The same server at `ip` (a resolved address), for clients that should not look the name up again. */
export function iceServerUrlAt(url: IceServerUrl, ip: string): string {
  const query = url.scheme === 'stun' ? '' : `?transport=${url.transport === 'udp' ? 'udp' : 'tcp'}`;
  return `${url.scheme}:${isIPv6(ip) ? `[${ip}]` : ip}:${url.port}${query}`;
}
