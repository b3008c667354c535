import { isIPv4, isIPv6 } from 'node:net';

import type { TurnServerSpec } from '../../native/NativeTypes.js';
import { iceServerUrlAt } from './IceServerUrl.js';
import type { ResolvedIceServer } from './resolveIceServers.js';
import { TurnCredentialMinter, type TurnAuth } from './TurnCredentialMinter.js';

/** `ice_transport_policy`: as RTCIceTransportPolicy (W3C webrtc-pc section 4.2.1). */
export type IceTransportPolicy = 'all' | 'relay';

export const ICE_TRANSPORT_POLICIES: readonly IceTransportPolicy[] = ['all', 'relay'];

/** Credentials minted for the demo page expire within the hour, whatever turn_credential_lifetime says. */
const DEMO_CREDENTIAL_LIFETIME_SECONDS = 3600;

/** RTCIceServer (W3C webrtc-pc section 4.2.2), as libwebrtc and browsers take it. */
export interface RtcIceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** The ICE part of the native transport options of one connection. */
export interface MediaIceOptions {
  stunServers: { ip: string; port: number }[];
  turnServers?: TurnServerSpec[];
  relayOnly?: boolean;
  advertisedAddresses?: string[];
}

/** What one peer's connections, and the browsers talking to it, are given. */
export interface PeerIceConfiguration {
  /** RTCConfiguration as libwebrtc takes it (resolved addresses, minted credentials): for libwebrtc peers in tests. */
  readonly rtc: { iceServers: RtcIceServer[]; iceTransportPolicy: IceTransportPolicy };
  /** For the native transport (Media- and DataConnections). */
  readonly media: MediaIceOptions;
  /** For browsers (GET /peers/{id}/ice_servers, the demo page): the URLs as configured. */
  readonly browser: { ice_servers: RtcIceServer[]; ice_transport_policy: IceTransportPolicy };
}

/** How a media transport checks a turns: server's certificate (native TlsClientContext policies). */
export interface TurnTlsVerification {
  readonly verify: 'system' | 'ca-file' | 'none';
  /** With 'ca-file': the PEM file of the CAs to trust. */
  readonly caFile?: string;
}

export interface IceConfigurationOptions {
  readonly servers: readonly ResolvedIceServer[];
  readonly turnAuth: TurnAuth | undefined;
  readonly policy: IceTransportPolicy;
  readonly advertisedAddresses: readonly string[];
  /** turns: servers of media transports; the system's CAs when absent. */
  readonly turnTls?: TurnTlsVerification;
}

/**
 * The gateway's STUN and TURN servers and ICE policy, turned into what each consumer takes, for
 * one peer at a time: TURN credentials are minted per call (with a secret, named after the peer
 * and valid for turn_credential_lifetime), and a peer created with `turn: false` gets no TURN.
 */
export class IceConfiguration {
  private readonly minter: TurnCredentialMinter | undefined;

  constructor(private readonly options: IceConfigurationOptions) {
    this.minter = options.turnAuth ? new TurnCredentialMinter(options.turnAuth) : undefined;
  }

  /** Whether a TURN server is configured (then `turn: true` asks for nothing missing). */
  get hasTurn(): boolean {
    return this.options.servers.some((s) => s.url.scheme !== 'stun');
  }

  get policy(): IceTransportPolicy {
    return this.options.policy;
  }

  /** The TURN servers a media transport of a `turn: true` peer allocates on: what its descriptors are counted for. */
  get mediaTurnServers(): { ip: string; transport: 'udp' | 'tcp' | 'tls' }[] {
    if (!this.minter) return [];
    return this.options.servers
      .filter((s) => s.url.scheme !== 'stun')
      .flatMap((s) => perFamily(s.addresses).map((ip) => ({ ip, transport: s.url.transport })));
  }

  private tlsOptions(): { tlsVerify: TurnTlsVerification['verify']; tlsCaFile?: string } {
    const tls = this.options.turnTls ?? { verify: 'system' };
    return { tlsVerify: tls.verify, ...(tls.caFile !== undefined && { tlsCaFile: tls.caFile }) };
  }

  /**
   * For the demo page, which anyone who reaches the API can load (it is served without the API
   * token): TURN only with credentials minted from turn_secret, valid for an hour at most; static
   * credentials are never handed out there.
   */
  forDemoPage(nowMs: number = Date.now()): RtcIceServer[] {
    const minted = this.minter?.mints === true;
    const servers = this.options.servers.filter((s) => s.url.scheme === 'stun' || minted);
    const result: RtcIceServer[] = [];
    const stun = servers.filter((s) => s.url.scheme === 'stun');
    const relays = servers.filter((s) => s.url.scheme !== 'stun');
    if (stun.length > 0) result.push({ urls: stun.map((s) => s.url.text) });
    if (relays.length > 0) {
      const { username, credential } = this.minter!.mint('demo', nowMs, DEMO_CREDENTIAL_LIFETIME_SECONDS);
      result.push({ urls: relays.map((s) => s.url.text), username, credential });
    }
    return result;
  }

  /** For peer `name`; `turn: false` leaves TURN out (the relay policy stays: such a peer cannot connect). */
  forPeer(name: string, turn: boolean, nowMs: number = Date.now()): PeerIceConfiguration {
    const { servers, policy, advertisedAddresses } = this.options;
    const stun = servers.filter((s) => s.url.scheme === 'stun');
    const relays = turn && this.minter ? servers.filter((s) => s.url.scheme !== 'stun') : [];
    const credential = relays.length > 0 ? this.minter!.mint(name, nowMs) : undefined;
    const auth = credential ? { username: credential.username, credential: credential.credential } : {};

    const rtcServers: RtcIceServer[] = [];
    if (stun.length > 0) rtcServers.push({ urls: stun.flatMap((s) => perFamily(s.addresses).map((ip) => iceServerUrlAt(s.url, ip))) });
    if (relays.length > 0) {
      // turns: keeps its name: the TLS certificate is checked against it.
      const urls = relays.flatMap((s) => (s.url.scheme === 'turns' ? [s.url.text] : perFamily(s.addresses).map((ip) => iceServerUrlAt(s.url, ip))));
      rtcServers.push({ urls, ...auth });
    }
    const browserServers: RtcIceServer[] = [];
    if (stun.length > 0) browserServers.push({ urls: stun.map((s) => s.url.text) });
    if (relays.length > 0) browserServers.push({ urls: relays.map((s) => s.url.text), ...auth });

    const media: MediaIceOptions = {
      stunServers: stun.flatMap((s) => perFamily(s.addresses).map((ip) => ({ ip, port: s.url.port }))),
    };
    if (credential) {
      media.turnServers = relays.flatMap((s) =>
        perFamily(s.addresses).map((ip) => ({
          ip,
          port: s.url.port,
          transport: s.url.transport,
          host: s.url.host,
          username: credential.username,
          credential: credential.credential,
          url: s.url.text,
          ...(s.url.transport === 'tls' && this.tlsOptions()),
        })),
      );
    }
    if (policy === 'relay') media.relayOnly = true;
    if (advertisedAddresses.length > 0) media.advertisedAddresses = [...advertisedAddresses];

    return {
      rtc: { iceServers: rtcServers, iceTransportPolicy: policy },
      media,
      browser: { ice_servers: browserServers, ice_transport_policy: policy },
    };
  }
}

/**
 * The first address of each family: a transport gathers from a server through its sockets of the
 * same family, so one of each is enough and a second of the same family would only duplicate.
 */
function perFamily(addresses: readonly string[]): string[] {
  const v4 = addresses.find((a) => isIPv4(a));
  const v6 = addresses.find((a) => isIPv6(a));
  return [v4, v6].filter((a): a is string => a !== undefined);
}
