import { ConfigError } from './ConfigError.js';
import { readConfigFile } from './configFile.js';
import type { FieldName, GatewayConfig, SettingFields } from './GatewayConfig.js';
import { iceSettings } from './iceSettings.js';
import { SETTING_TABLE, SETTINGS, type SettingName } from './settings.js';
import { SettingValues, type ConfigSources } from './SettingValues.js';
import type { ConnectionLimits } from '../session/limits/ConnectionLimits.js';

export type { ConfigSources } from './SettingValues.js';

export interface LoadedConfig {
  readonly config: GatewayConfig;
  /** Things worth logging that do not stop the gateway, such as unknown config-file keys. */
  readonly warnings: string[];
}

const FIELD_NAMES = (Object.keys(SETTING_TABLE) as SettingName[]).filter((n): n is FieldName => SETTING_TABLE[n].field);
const KNOWN_KEYS: ReadonlySet<string> = new Set(SETTINGS.map((s) => s.key));

/** Merges defaults < config file < environment < flags, then checks every value. */
export function loadConfig(sources: ConfigSources = {}): LoadedConfig {
  const warnings: string[] = [];
  const fromFile = sources.file ? readConfigFile(sources.file, KNOWN_KEYS, warnings) : {};
  const values = new SettingValues(sources, fromFile);
  const signaling = values.get('embeddedSignaling') ? embeddedSignaling(values) : undefined;
  if (!values.get('signalingUrl') && !signaling) {
    throw new ConfigError('signaling_url is required when embedded_signaling is false: gateway peers need a PeerJS server');
  }
  const fields = Object.fromEntries(FIELD_NAMES.map((name) => [name, values.get(name)])) as unknown as SettingFields;
  const config: GatewayConfig = { ...fields, signaling, limits: connectionLimits(values), ...iceSettings(values, warnings) };
  if (config.portMin > config.portMax) {
    throw new ConfigError(`port_min (${config.portMin}) must not be greater than port_max (${config.portMax})`);
  }
  return { config, warnings };
}

/**
 * Every setting at its default, with `overrides` laid over it: the configuration a gateway has with
 * no config file, environment or flag. Tests and benches start from it instead of listing every field.
 */
export function defaultConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return { ...loadConfig().config, ...overrides };
}

function embeddedSignaling(values: SettingValues): NonNullable<GatewayConfig['signaling']> {
  return {
    host: values.get('signalingHost'),
    port: values.get('signalingPort'),
    path: values.get('signalingPath'),
    key: values.get('signalingKey'),
    secret: values.get('signalingSecret'),
    allowDiscovery: values.get('signalingDiscovery'),
    maxClients: values.get('signalingMaxClients'),
    sendBufferLimitBytes: values.get('signalingSendBufferLimit'),
    maxQueuedBytesPerPeer: values.get('signalingQueueLimitPerPeer'),
    maxQueuedBytes: values.get('signalingQueueLimit'),
  };
}

function connectionLimits(values: SettingValues): ConnectionLimits {
  return {
    maxPendingOffers: values.get('maxPendingOffers'),
    offerTimeoutMs: values.get('offerTimeoutMs'),
    maxConnectionsPerPeer: values.get('maxConnectionsPerPeer'),
    maxConnections: values.get('maxConnections'),
    maxMetadataBytes: values.get('maxMetadataBytes'),
    maxMetadataDepth: values.get('maxMetadataDepth'),
  };
}
