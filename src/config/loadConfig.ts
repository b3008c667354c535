import { accessSync, constants, readFileSync } from 'node:fs';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { parse as parseToml } from 'smol-toml';

import { ConfigError } from './ConfigError.js';
import { LOG_LEVELS, type GatewayConfig, type LogLevel } from './GatewayConfig.js';
import { ICE_TRANSPORT_POLICIES, type IceTransportPolicy, type TurnTlsVerification } from '../session/ice/IceConfiguration.js';
import { parseIceServerUrl, type IceServerUrl } from '../session/ice/IceServerUrl.js';
import type { TurnAuth } from '../session/ice/TurnCredentialMinter.js';
import { DEFAULT_CONNECTION_LIMITS } from '../session/limits/ConnectionLimits.js';
import { parseNetwork } from '../session/redirect/IpNetwork.js';
import { DEFAULT_SIGNALING, normalizeMountPath } from '../signaling/server/SignalingConfig.js';
import { SETTINGS } from './settings.js';

export interface ConfigSources {
  /** Values from command-line flags, by flag name (e.g. "api-port"). */
  readonly flags?: Readonly<Record<string, string | undefined>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Path of a TOML config file. */
  readonly file?: string;
}

export interface LoadedConfig {
  readonly config: GatewayConfig;
  /** Things worth logging that do not stop the gateway, such as unknown config-file keys. */
  readonly warnings: string[];
}

interface RawValue {
  readonly value: unknown;
  readonly source: string;
}

/** Merges defaults < config file < environment < flags, then checks every value. */
export function loadConfig(sources: ConfigSources = {}): LoadedConfig {
  const warnings: string[] = [];
  const fromFile = sources.file ? readConfigFile(sources.file, warnings) : {};
  const raw = new Map<string, RawValue>();
  for (const spec of SETTINGS) {
    const flag = sources.flags?.[spec.flag];
    const envValue = sources.env?.[spec.env];
    if (flag !== undefined) raw.set(spec.key, { value: flag, source: `--${spec.flag}` });
    else if (envValue !== undefined && envValue !== '') raw.set(spec.key, { value: envValue, source: spec.env });
    else if (spec.key in fromFile) raw.set(spec.key, { value: fromFile[spec.key], source: `${sources.file}: ${spec.key}` });
  }

  const get = <T>(key: string, fallback: T, coerce: (v: RawValue) => T): T => {
    const v = raw.get(key);
    return v === undefined ? fallback : coerce(v);
  };

  const portBindIp = get('port_bind_ip', '127.0.0.1', ipAddress);
  const embedded = get('embedded_signaling', true, boolean);
  const signaling = embedded
    ? {
        host: get('signaling_host', '127.0.0.1', ipAddress),
        port: get('signaling_port', 9000, integerIn(0, 65535)),
        path: get('signaling_path', '/', mountPath),
        key: get('signaling_key', 'peerjs', nonEmpty),
        secret: get<string | undefined>('signaling_secret', undefined, nonEmpty),
        allowDiscovery: get('signaling_discovery', false, boolean),
        maxClients: get('signaling_max_clients', DEFAULT_SIGNALING.maxClients, integerIn(1, 1_000_000)),
        sendBufferLimitBytes: get('signaling_send_buffer_limit', DEFAULT_SIGNALING.sendBufferLimitBytes, integerIn(64 * 1024, 1 << 30)),
        maxQueuedBytesPerPeer: get('signaling_queue_limit_per_peer', DEFAULT_SIGNALING.maxQueuedBytesPerPeer, integerIn(0, 1 << 30)),
        maxQueuedBytes: get('signaling_queue_limit', DEFAULT_SIGNALING.maxQueuedBytes, integerIn(0, 1 << 30)),
      }
    : undefined;
  const signalingUrl = get<string | undefined>('signaling_url', undefined, websocketUrl);
  if (!signalingUrl && !signaling) {
    throw new ConfigError('signaling_url is required when embedded_signaling is false: gateway peers need a PeerJS server');
  }
  const mediaBindAddresses = get('media_bind_addresses', defaultMediaBindAddresses(), ipAddressList);
  const config: GatewayConfig = {
    apiHost: get('api_host', '127.0.0.1', ipAddress),
    apiPort: get('api_port', 8000, integerIn(0, 65535)),
    apiToken: get<string | undefined>('api_token', undefined, apiToken),
    apiAllowedHosts: get('api_allowed_hosts', [], hostNameList),
    apiAllowedOrigins: get('api_allowed_origins', [], originList),
    logLevel: get('log_level', 'info' as LogLevel, logLevel),
    portBindIp,
    advertisedIpV4: get('advertised_ip_v4', defaultAdvertisedIpV4(portBindIp), ipV4Address),
    portMin: get('port_min', 50001, integerIn(1, 65535)),
    portMax: get('port_max', 59999, integerIn(1, 65535)),
    signaling,
    signalingUrl,
    eventTimeoutMs: get('event_timeout_ms', 30000, integerIn(1000, 600000)),
    redirectAllowedNetworks: get<string[] | undefined>('redirect_allowed_networks', undefined, networkList),
    limits: {
      maxPendingOffers: get('max_pending_offers', DEFAULT_CONNECTION_LIMITS.maxPendingOffers, integerIn(0, 100_000)),
      offerTimeoutMs: get('offer_timeout_ms', DEFAULT_CONNECTION_LIMITS.offerTimeoutMs, integerIn(1000, 3_600_000)),
      maxConnectionsPerPeer: get('max_connections_per_peer', DEFAULT_CONNECTION_LIMITS.maxConnectionsPerPeer, integerIn(1, 1_000_000)),
      maxConnections: get('max_connections', DEFAULT_CONNECTION_LIMITS.maxConnections, integerIn(1, 1_000_000)),
      maxMetadataBytes: get('max_metadata_bytes', DEFAULT_CONNECTION_LIMITS.maxMetadataBytes, integerIn(2, 1 << 20)),
      maxMetadataDepth: get('max_metadata_depth', DEFAULT_CONNECTION_LIMITS.maxMetadataDepth, integerIn(1, 1000)),
    },
    dataBufferLimitBytes: get('data_buffer_limit', 1 << 20, integerIn(16 * 1024, 8 * 1024 * 1024)),
    mediaBindAddresses,
    mediaSharedPort: get<number | undefined>('media_shared_port', undefined, integerIn(0, 65535)),
    mediaAdvertisedAddresses: advertisedAddressesFor(mediaBindAddresses, raw.get('media_advertised_addresses')),
    ...iceSettings(get, warnings),
    mediaNack: get('media_nack', true, boolean),
    mediaBandwidthFeedback: get('media_bandwidth_feedback', true, boolean),
    demoPage: get('demo_page', false, boolean),
  };
  if (config.portMin > config.portMax) {
    throw new ConfigError(`port_min (${config.portMin}) must not be greater than port_max (${config.portMax})`);
  }
  return { config, warnings };
}

type Getter = <T>(key: string, fallback: T, coerce: (v: RawValue) => T) => T;

/** ice_servers (stun_servers merged in), TURN credentials and the transport policy, checked together. */
function iceSettings(get: Getter, warnings: string[]): Pick<GatewayConfig, 'iceServers' | 'turnAuth' | 'turnTls' | 'iceTransportPolicy'> {
  const stunAlias = get('stun_servers', [], hostPortList).map(({ ip, port }) => parseIceServerUrl(`stun:${isIPv6(ip) ? `[${ip}]` : ip}:${port}`) as IceServerUrl);
  const iceServers: IceServerUrl[] = [];
  for (const url of [...get('ice_servers', [], iceServerList), ...stunAlias]) {
    if (!iceServers.some((u) => u.text === url.text)) iceServers.push(url);
  }
  const username = get<string | undefined>('turn_username', undefined, nonEmpty);
  const credential = get<string | undefined>('turn_credential', undefined, secretString);
  const secret = get<string | undefined>('turn_secret', undefined, secretString);
  const lifetimeSeconds = get<number | undefined>('turn_credential_lifetime', undefined, integerIn(60, 2_592_000));
  const policy = get('ice_transport_policy', 'all' as IceTransportPolicy, oneOf('ice_transport_policy', ICE_TRANSPORT_POLICIES));
  if ((username === undefined) !== (credential === undefined)) {
    throw new ConfigError('turn_username and turn_credential go together: set both (static TURN credentials) or neither');
  }
  if (username !== undefined && secret !== undefined) {
    throw new ConfigError('turn_secret and turn_username/turn_credential exclude each other: use the secret (credentials minted per connection) or the static pair');
  }
  const turnAuth: TurnAuth | undefined =
    secret !== undefined
      ? { kind: 'secret', secret, lifetimeSeconds: lifetimeSeconds ?? 86400 }
      : username !== undefined
        ? { kind: 'static', username, credential: credential! }
        : undefined;
  const turnUrls = iceServers.filter((u) => u.scheme !== 'stun');
  if (turnUrls.length > 0 && !turnAuth) {
    throw new ConfigError(
      `ice_servers names ${turnUrls[0]!.text} but no TURN credentials are set: set turn_secret (coturn's static-auth-secret) or turn_username and turn_credential`,
    );
  }
  if (turnAuth && turnUrls.length === 0) warnings.push('TURN credentials are set but ice_servers names no turn: or turns: server: they are not used');
  if (lifetimeSeconds !== undefined && secret === undefined) warnings.push('turn_credential_lifetime applies to credentials minted from turn_secret, which is not set');
  if (policy === 'relay' && turnUrls.length === 0) {
    throw new ConfigError('ice_transport_policy = relay needs a turn: or turns: server in ice_servers: without one no connection could gather a candidate');
  }
  return { iceServers, turnAuth, turnTls: turnTlsSettings(get), iceTransportPolicy: policy };
}

/** turn_tls_verify and turn_tls_ca_file: the system's CAs by default; a CA file must be readable now. */
function turnTlsSettings(get: Getter): TurnTlsVerification {
  const verify = get('turn_tls_verify', true, boolean);
  const caFile = get<string | undefined>('turn_tls_ca_file', undefined, nonEmpty);
  if (caFile === undefined) return { verify: verify ? 'system' : 'none' };
  if (!verify) throw new ConfigError('turn_tls_ca_file and turn_tls_verify = false exclude each other: a CA file is for checking certificates');
  try {
    accessSync(caFile, constants.R_OK);
  } catch (error) {
    throw new ConfigError(`turn_tls_ca_file ${JSON.stringify(caFile)} cannot be read: ${(error as Error).message}`);
  }
  return { verify: 'ca-file', caFile };
}

function iceServerList(v: RawValue): IceServerUrl[] {
  return listOf(v).map((item) => {
    const url = parseIceServerUrl(item);
    if (typeof url === 'string') throw new ConfigError(`${describe(v)}: ${JSON.stringify(item)} ${url}`);
    return url;
  });
}

/** media_advertised_addresses: one public address per bind address, of the same family, in order. */
function advertisedAddressesFor(bindAddresses: readonly string[], v: RawValue | undefined): string[] {
  if (v === undefined) return [];
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
}

function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (v: RawValue): T => {
    const value = typeof v.value === 'string' ? v.value.trim().toLowerCase() : v.value;
    if (!(allowed as readonly unknown[]).includes(value)) throw new ConfigError(`${describe(v)}: ${name} must be one of ${allowed.join(', ')}`);
    return value as T;
  };
}

/** Every IPv4 address of the host, loopback included (a browser on this host reaches it there). */
function defaultMediaBindAddresses(): string[] {
  const addresses = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4')
    .map((i) => i.address);
  return addresses.length > 0 ? [...new Set(addresses)] : ['127.0.0.1'];
}

function listOf(v: RawValue): string[] {
  const items = Array.isArray(v.value) ? v.value : typeof v.value === 'string' ? v.value.split(',') : undefined;
  if (!items) throw new ConfigError(`${describe(v)}: must be a comma-separated list or an array of strings`);
  return items.map((i) => String(i).trim()).filter((i) => i.length > 0);
}

function ipAddressList(v: RawValue): string[] {
  const list = listOf(v);
  if (list.length === 0) throw new ConfigError(`${describe(v)}: must name at least one address`);
  for (const ip of list) if (!isIP(ip)) throw new ConfigError(`${describe(v)}: ${JSON.stringify(ip)} is not an IP address`);
  return list;
}

function hostPortList(v: RawValue): { ip: string; port: number }[] {
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
function hostNameList(v: RawValue): string[] {
  return listOf(v).map((item) => {
    const host = item.toLowerCase();
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(host) || host.length > 253) {
      throw new ConfigError(`${describe(v)}: ${JSON.stringify(item)} is not a host name (no port, no scheme)`);
    }
    return host.replace(/\.$/, '');
  });
}

/** Web origins, normalized as browsers send them: scheme://host[:port], no path. */
function originList(v: RawValue): string[] {
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

function networkList(v: RawValue): string[] {
  const list = listOf(v);
  if (list.length === 0) throw new ConfigError(`${describe(v)}: must name at least one network`);
  return list.map((item) => {
    const network = parseNetwork(item);
    if (!network) throw new ConfigError(`${describe(v)}: ${JSON.stringify(item)} is not a network such as 10.0.0.0/8 or 2001:db8::/32`);
    return network.text;
  });
}

function apiToken(v: RawValue): string {
  const token = nonEmpty(v);
  // Header-safe and long enough to resist guessing.
  if (!/^[\x21-\x7e]{16,1024}$/.test(token)) {
    throw new ConfigError(`${v.source}: must be 16 to 1024 printable ASCII characters without spaces`);
  }
  return token;
}

/** A password or secret: errors name where it came from, never the value. */
function secretString(v: RawValue): string {
  if (typeof v.value !== 'string' || v.value.length === 0) throw new ConfigError(`${v.source}: must be a non-empty string`);
  return v.value;
}

function readConfigFile(path: string, warnings: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read config file ${path}: ${(cause as Error).message}`, { cause });
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (cause) {
    throw new ConfigError(`config file ${path} is not valid TOML: ${(cause as Error).message}`, { cause });
  }
  // The original gateway's config.toml kept its keys in [general]; top-level keys work too.
  const general = doc['general'];
  const merged: Record<string, unknown> = {};
  const known = new Set(SETTINGS.map((s) => s.key));
  const take = (table: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(table)) {
      if (prefix === '' && key === 'general' && isTable(value)) continue;
      if (known.has(key)) merged[key] = value;
      else if (!isTable(value)) warnings.push(`config file ${path}: unknown key ${prefix}${key} ignored`);
    }
  };
  take(doc, '');
  if (isTable(general)) take(general, 'general.');
  return merged;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: RawValue): string {
  return `${v.source} = ${JSON.stringify(v.value)}`;
}

function integerIn(min: number, max: number) {
  return (v: RawValue): number => {
    const n = typeof v.value === 'number' ? v.value : typeof v.value === 'string' && /^\s*\d+\s*$/.test(v.value) ? Number(v.value) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${describe(v)}: must be an integer from ${min} to ${max}`);
    }
    return n;
  };
}

function boolean(v: RawValue): boolean {
  if (typeof v.value === 'boolean') return v.value;
  const text = typeof v.value === 'string' ? v.value.trim().toLowerCase() : '';
  if (['true', 'yes', 'on', '1'].includes(text)) return true;
  if (['false', 'no', 'off', '0'].includes(text)) return false;
  throw new ConfigError(`${describe(v)}: must be true or false`);
}

function nonEmpty(v: RawValue): string {
  if (typeof v.value !== 'string' || v.value.length === 0) throw new ConfigError(`${describe(v)}: must be a non-empty string`);
  return v.value;
}

function mountPath(v: RawValue): string {
  const path = nonEmpty(v);
  if (!/^\/?[A-Za-z0-9._~\-/]*$/.test(path)) throw new ConfigError(`${describe(v)}: must be a URL path such as / or /myapp/`);
  return normalizeMountPath(path);
}

function websocketUrl(v: RawValue): string {
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

function ipAddress(v: RawValue): string {
  if (typeof v.value !== 'string' || isIP(v.value) === 0) {
    throw new ConfigError(`${describe(v)}: must be a numeric IPv4 or IPv6 address`);
  }
  return v.value;
}

function ipV4Address(v: RawValue): string {
  if (typeof v.value !== 'string' || !isIPv4(v.value)) {
    throw new ConfigError(`${describe(v)}: must be a numeric IPv4 address`);
  }
  return v.value;
}

function logLevel(v: RawValue): LogLevel {
  const value = typeof v.value === 'string' ? v.value.toLowerCase() : v.value;
  if (!(LOG_LEVELS as readonly unknown[]).includes(value)) {
    throw new ConfigError(`${describe(v)}: must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return value as LogLevel;
}

function defaultAdvertisedIpV4(bindIp: string): string {
  if (isIPv4(bindIp) && bindIp !== '0.0.0.0') return bindIp;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return '127.0.0.1';
}
