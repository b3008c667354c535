import type { ValueOf } from './Setting.js';
import type { SettingTable } from './settings.js';
import type { TurnTlsVerification } from '../session/ice/IceConfiguration.js';
import type { IceServerUrl } from '../session/ice/IceServerUrl.js';
import type { TurnAuth } from '../session/ice/TurnCredentialMinter.js';
import type { ConnectionLimits } from '../session/limits/ConnectionLimits.js';
import type { SignalingConfig } from '../signaling/server/SignalingConfig.js';

export { LOG_LEVELS, type LogLevel } from './settings.js';

/** The embedded signaling server's settings a user configures; the rest keep their defaults. */
export type EmbeddedSignalingConfig = Pick<SignalingConfig, 'host' | 'port' | 'path' | 'key' | 'secret' | 'allowDiscovery'> &
  Partial<Pick<SignalingConfig, 'maxClients' | 'sendBufferLimitBytes' | 'maxQueuedBytesPerPeer' | 'maxQueuedBytes'>>;

/** Settings that are GatewayConfig fields of their own name (settings.ts says what each means). */
export type FieldName = { [K in keyof SettingTable]: SettingTable[K]['field'] extends true ? K : never }[keyof SettingTable];

/** A list setting's value is read-only once loaded. */
type Frozen<T> = T extends (infer U)[] ? readonly U[] : T;

/** Those fields with the types their parsers return. */
export type SettingFields = { readonly [K in FieldName]: Frozen<ValueOf<SettingTable[K]>> };

/** The gateway's settings after defaults, config file, environment and flags are merged. */
export interface GatewayConfig extends SettingFields {
  /** The embedded signaling server, or undefined when embedded_signaling is false. */
  readonly signaling: EmbeddedSignalingConfig | undefined;
  /** Bounds on offers and connections a remote or a REST client can make the gateway hold. */
  readonly limits: ConnectionLimits;
  /**
   * STUN and TURN servers for media and data (`ice_servers`, with `stun_servers` merged in as
   * stun: URLs), parsed; host names are resolved when the gateway starts.
   */
  readonly iceServers: readonly IceServerUrl[];
  /** Credentials for the TURN servers: static, or minted from a secret; undefined: none. */
  readonly turnAuth: TurnAuth | undefined;
  /** How media transports check a turns: server's certificate (system CAs, a CA file, or not at all). */
  readonly turnTls: TurnTlsVerification;
}
