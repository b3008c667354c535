import { accessSync, constants } from 'node:fs';
import { isIPv6 } from 'node:net';

import { ConfigError } from './ConfigError.js';
import type { GatewayConfig } from './GatewayConfig.js';
import type { SettingValues } from './SettingValues.js';
import type { TurnTlsVerification } from '../session/ice/IceConfiguration.js';
import { parseIceServerUrl, type IceServerUrl } from '../session/ice/IceServerUrl.js';
import type { TurnAuth } from '../session/ice/TurnCredentialMinter.js';

/** ice_servers (stun_servers merged in), TURN credentials and the transport policy, checked together. */
export function iceSettings(values: SettingValues, warnings: string[]): Pick<GatewayConfig, 'iceServers' | 'turnAuth' | 'turnTls'> {
  const stunAlias = values.get('stunServers').map(({ ip, port }) => parseIceServerUrl(`stun:${isIPv6(ip) ? `[${ip}]` : ip}:${port}`) as IceServerUrl);
  const iceServers: IceServerUrl[] = [];
  for (const url of [...values.get('iceServers'), ...stunAlias]) {
    if (!iceServers.some((u) => u.text === url.text)) iceServers.push(url);
  }
  const username = values.get('turnUsername');
  const credential = values.get('turnCredential');
  const secret = values.get('turnSecret');
  const lifetimeSeconds = values.get('turnCredentialLifetime');
  const policy = values.get('iceTransportPolicy');
  if ((username === undefined) !== (credential === undefined)) {
    throw new ConfigError('turn_username and turn_credential go together: set both (static TURN credentials) or neither');
  }
  if (username !== undefined && secret !== undefined) {
    throw new ConfigError('turn_secret and turn_username/turn_credential exclude each other: use the secret (credentials minted per connection) or the static pair');
  }
  const turnAuth: TurnAuth | undefined =
    secret !== undefined
      ? { kind: 'secret', secret, lifetimeSeconds }
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
  if (values.isSet('turnCredentialLifetime') && secret === undefined) {
    warnings.push('turn_credential_lifetime applies to credentials minted from turn_secret, which is not set');
  }
  if (policy === 'relay' && turnUrls.length === 0) {
    throw new ConfigError('ice_transport_policy = relay needs a turn: or turns: server in ice_servers: without one no connection could gather a candidate');
  }
  return { iceServers, turnAuth, turnTls: turnTlsSettings(values) };
}

/** turn_tls_verify and turn_tls_ca_file: the system's CAs by default; a CA file must be readable now. */
function turnTlsSettings(values: SettingValues): TurnTlsVerification {
  const verify = values.get('turnTlsVerify');
  const caFile = values.get('turnTlsCaFile');
  if (caFile === undefined) return { verify: verify ? 'system' : 'none' };
  if (!verify) throw new ConfigError('turn_tls_ca_file and turn_tls_verify = false exclude each other: a CA file is for checking certificates');
  try {
    accessSync(caFile, constants.R_OK);
  } catch (error) {
    throw new ConfigError(`turn_tls_ca_file ${JSON.stringify(caFile)} cannot be read: ${(error as Error).message}`);
  }
  return { verify: 'ca-file', caFile };
}
