import type { IceTransportPolicy, TurnTlsVerification } from '../session/ice/IceConfiguration.js';
import type { IceServerUrl } from '../session/ice/IceServerUrl.js';
import type { TurnAuth } from '../session/ice/TurnCredentialMinter.js';
import type { ConnectionLimits } from '../session/limits/ConnectionLimits.js';
import type { SignalingConfig } from '../signaling/server/SignalingConfig.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The embedded signaling server's settings a user configures; the rest keep their defaults. */
export type EmbeddedSignalingConfig = Pick<SignalingConfig, 'host' | 'port' | 'path' | 'key' | 'secret' | 'allowDiscovery'> &
  Partial<Pick<SignalingConfig, 'maxClients' | 'sendBufferLimitBytes' | 'maxQueuedBytesPerPeer' | 'maxQueuedBytes'>>;

/** The gateway's settings after defaults, config file, environment and flags are merged. */
export interface GatewayConfig {
  /** Address the REST API listens on. */
  readonly apiHost: string;
  /** TCP port of the REST API. */
  readonly apiPort: number;
  /** When set, every REST call needs `Authorization: Bearer <apiToken>`. */
  readonly apiToken: string | undefined;
  /** Host names the API answers to besides IP literals and localhost (lower case). */
  readonly apiAllowedHosts: readonly string[];
  /** Web origins besides the API's own whose pages may call it (`scheme://host[:port]`). */
  readonly apiAllowedOrigins: readonly string[];
  readonly logLevel: LogLevel;
  /** Address that media, RTCP and data ports bind to. */
  readonly portBindIp: string;
  /** The `ip_v4` returned with every port: where external programs send their datagrams. */
  readonly advertisedIpV4: string;
  /** First and last UDP port handed out by POST /media, /media/rtcp and /data. */
  readonly portMin: number;
  readonly portMax: number;
  /** The embedded signaling server, or undefined when it is turned off. */
  readonly signaling: EmbeddedSignalingConfig | undefined;
  /**
   * Where gateway peers connect: a ws:// or wss:// URL ending with the server's mount path.
   * Undefined: the embedded server, at the address it actually listens on.
   */
  readonly signalingUrl: string | undefined;
  /** Idle time after which a long-poll answers 408. */
  readonly eventTimeoutMs: number;
  /**
   * CIDR networks redirect_params may name; undefined: any address but unspecified, broadcast,
   * multicast and link-local ones.
   */
  readonly redirectAllowedNetworks: readonly string[] | undefined;
  /** Bounds on offers and connections a remote or a REST client can make the gateway hold. */
  readonly limits: ConnectionLimits;
  /** Bytes queued in a DataChannel past which further datagrams for it are dropped and counted. */
  readonly dataBufferLimitBytes: number;
  /** Local addresses MediaConnections gather host candidates on. */
  readonly mediaBindAddresses: readonly string[];
  /** One UDP port all MediaConnections share per bind address (0: any free one); undefined: one port each. */
  readonly mediaSharedPort: number | undefined;
  /** Public addresses advertised for media host candidates (1:1 NAT), one per bind address; empty: none. */
  readonly mediaAdvertisedAddresses: readonly string[];
  /**
   * STUN and TURN servers for media and data (`ice_servers`, with `stun_servers` merged in as
   * stun: URLs), parsed; host names are resolved when the gateway starts.
   */
  readonly iceServers: readonly IceServerUrl[];
  /** Credentials for the TURN servers: static, or minted from a secret; undefined: none. */
  readonly turnAuth: TurnAuth | undefined;
  /** How media transports check a turns: server's certificate (system CAs, a CA file, or not at all). */
  readonly turnTls: TurnTlsVerification;
  /** `relay`: only relay candidates, for media and data. */
  readonly iceTransportPolicy: IceTransportPolicy;
  /** Answer and send NACKs for video (packet cache, RTX when negotiated). */
  readonly mediaNack: boolean;
  /** Send transport-cc and REMB feedback for received video. */
  readonly mediaBandwidthFeedback: boolean;
  /** Serve the browser demo page (examples/demo) at /demo/ on the REST API. */
  readonly demoPage: boolean;
}
