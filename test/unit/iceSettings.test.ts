import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { ConfigError } from '../../src/config/ConfigError.js';
import { loadConfig } from '../../src/config/loadConfig.js';

describe('the ICE settings: ice_servers, TURN credentials, ice_transport_policy, media_advertised_addresses', () => {
  it('reads ice_servers from a flag, merges stun_servers in after it, drops duplicates', () => {
    const { config } = loadConfig({
      flags: { 'ice-servers': 'stun:stun.example.com, turn:[::1]?transport=tcp,stun:192.0.2.1:3478', 'stun-servers': '192.0.2.1:3478,192.0.2.2:3478', 'turn-secret': 'x' },
    });
    assert.deepEqual(
      config.iceServers.map((u) => u.text),
      ['stun:stun.example.com:3478', 'turn:[::1]:3478?transport=tcp', 'stun:192.0.2.1:3478', 'stun:192.0.2.2:3478'],
    );
  });

  it('reads a TURN secret with its default lifetime (86400 s), or a lifetime given', () => {
    const env = { WEBRTC_GATEWAY_ICE_SERVERS: 'turn:127.0.0.1', WEBRTC_GATEWAY_TURN_SECRET: 'north' };
    assert.deepEqual(loadConfig({ env }).config.turnAuth, { kind: 'secret', secret: 'north', lifetimeSeconds: 86400 });
    assert.deepEqual(loadConfig({ env: { ...env, WEBRTC_GATEWAY_TURN_CREDENTIAL_LIFETIME: '600' } }).config.turnAuth, {
      kind: 'secret',
      secret: 'north',
      lifetimeSeconds: 600,
    });
  });

  it('reads static credentials and the relay policy from a config file (arrays allowed)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wg-ice-')), 'config.toml');
    writeFileSync(
      file,
      '[general]\nice_servers = ["turns:turn.example.com", "stun:[2001:db8::1]"]\nturn_username = "alice"\nturn_credential = "pw"\nice_transport_policy = "RELAY"\n',
    );
    const { config, warnings } = loadConfig({ file });
    assert.deepEqual(config.turnAuth, { kind: 'static', username: 'alice', credential: 'pw' });
    assert.equal(config.iceTransportPolicy, 'relay');
    assert.deepEqual(
      config.iceServers.map((u) => [u.scheme, u.host, u.port, u.transport]),
      [
        ['turns', 'turn.example.com', 5349, 'tls'],
        ['stun', '2001:db8::1', 3478, 'udp'],
      ],
    );
    assert.deepEqual(warnings, []);
  });

  it('reads media_advertised_addresses, one per bind address in order', () => {
    const { config } = loadConfig({ flags: { 'media-bind-addresses': '10.0.0.5,fd00::5', 'media-advertised-addresses': '198.51.100.7, 2001:db8::7' } });
    assert.deepEqual(config.mediaAdvertisedAddresses, ['198.51.100.7', '2001:db8::7']);
  });

  it('checks turns: certificates against the system CAs by default; turn_tls_ca_file or turn_tls_verify = false change that', () => {
    assert.deepEqual(loadConfig({}).config.turnTls, { verify: 'system' });
    const ca = join(mkdtempSync(join(tmpdir(), 'wg-ca-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    assert.deepEqual(loadConfig({ flags: { 'turn-tls-ca-file': ca } }).config.turnTls, { verify: 'ca-file', caFile: ca });
    assert.deepEqual(loadConfig({ env: { WEBRTC_GATEWAY_TURN_TLS_VERIFY: 'false' } }).config.turnTls, { verify: 'none' });
    assert.throws(() => loadConfig({ flags: { 'turn-tls-ca-file': join(ca, 'missing.pem') } }), (e: unknown) => e instanceof ConfigError && /turn_tls_ca_file ".*missing\.pem" cannot be read/.test(e.message));
    assert.throws(() => loadConfig({ flags: { 'turn-tls-ca-file': ca, 'turn-tls-verify': 'false' } }), /exclude each other/);
  });

  it('warns about credentials nothing uses', () => {
    assert.match(loadConfig({ flags: { 'turn-secret': 's' } }).warnings.join('\n'), /no turn: or turns: server/);
    assert.match(
      loadConfig({ flags: { 'ice-servers': 'turn:127.0.0.1', 'turn-username': 'u', 'turn-credential': 'c', 'turn-credential-lifetime': '60' } }).warnings.join('\n'),
      /turn_credential_lifetime applies to credentials minted from turn_secret/,
    );
  });

  const invalid: [string, Parameters<typeof loadConfig>[0], RegExp][] = [
    ['a malformed URL, naming it and the reason', { flags: { 'ice-servers': 'stun:ok.example.com,turn:::1' } }, /--ice-servers = .*"turn:::1" has more than one ":".*brackets/],
    ['a URL without scheme', { env: { WEBRTC_GATEWAY_ICE_SERVERS: 'turn.example.com:3478' } }, /WEBRTC_GATEWAY_ICE_SERVERS = .*must start with stun:, turn: or turns:/],
    ['a turn: URL with no credentials', { flags: { 'ice-servers': 'turn:127.0.0.1' } }, /names turn:127\.0\.0\.1:3478\?transport=udp but no TURN credentials are set: set turn_secret/],
    ['static and secret credentials together', { flags: { 'ice-servers': 'turn:127.0.0.1', 'turn-secret': 's', 'turn-username': 'u', 'turn-credential': 'c' } }, /exclude each other/],
    ['a user name without its credential', { flags: { 'ice-servers': 'turn:127.0.0.1', 'turn-username': 'u' } }, /turn_username and turn_credential go together/],
    ['a credential without its user name', { flags: { 'ice-servers': 'turn:127.0.0.1', 'turn-credential': 'c' } }, /go together/],
    ['an empty secret', { flags: { 'ice-servers': 'turn:127.0.0.1', 'turn-secret': '' } }, /--turn-secret: must be a non-empty string/],
    ['a lifetime under a minute', { flags: { 'ice-servers': 'turn:127.0.0.1', 'turn-secret': 's', 'turn-credential-lifetime': '59' } }, /must be an integer from 60 to 2592000/],
    ['an unknown policy', { flags: { 'ice-transport-policy': 'nohost' } }, /ice_transport_policy must be one of all, relay/],
    ['the relay policy with no TURN server', { flags: { 'ice-transport-policy': 'relay', 'ice-servers': 'stun:127.0.0.1' } }, /relay needs a turn: or turns: server/],
    ['more advertised addresses than bind addresses', { flags: { 'media-bind-addresses': '10.0.0.5', 'media-advertised-addresses': '198.51.100.7,198.51.100.8' } }, /names 2 address\(es\) for 1 media_bind_addresses/],
    ['an advertised address of the other family', { flags: { 'media-bind-addresses': '10.0.0.5', 'media-advertised-addresses': '2001:db8::7' } }, /other family/],
    ['an advertised address that is not an IP', { flags: { 'media-bind-addresses': '10.0.0.5', 'media-advertised-addresses': 'public.example.com' } }, /is not an IP address/],
    ['an unspecified advertised address', { flags: { 'media-bind-addresses': '10.0.0.5', 'media-advertised-addresses': '0.0.0.0' } }, /unspecified/],
  ];
  it('never prints a TURN secret or password in an error', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wg-ice-')), 'config.toml');
    writeFileSync(file, 'ice_servers = ["turn:127.0.0.1"]\nturn_secret = 918273645\n');
    assert.throws(() => loadConfig({ file }), (e: unknown) => e instanceof ConfigError && /turn_secret: must be a non-empty string/.test(e.message) && !e.message.includes('918273645'));
  });

  for (const [what, sources, message] of invalid) {
    it(`refuses ${what} (ConfigError INVALID_CONFIG)`, () => {
      assert.throws(
        () => loadConfig(sources),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError, String(e));
          assert.equal(e.code, 'INVALID_CONFIG');
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }
});
