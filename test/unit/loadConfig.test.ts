import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { ConfigError } from '../../src/config/ConfigError.js';
import { defaultConfig, loadConfig } from '../../src/config/loadConfig.js';
import { SETTING_TABLE } from '../../src/config/settings.js';

function tomlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wg-config-')), 'config.toml');
  writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  it('has safe embedded defaults: REST on 127.0.0.1:8000, ports from 50001', () => {
    const { config, warnings } = loadConfig();
    assert.deepEqual(config, {
      apiHost: '127.0.0.1',
      apiPort: 8000,
      apiToken: undefined,
      apiAllowedHosts: [],
      apiAllowedOrigins: [],
      logLevel: 'info',
      portBindIp: '127.0.0.1',
      advertisedIpV4: '127.0.0.1',
      portMin: 50001,
      portMax: 59999,
      signaling: {
        host: '127.0.0.1',
        port: 9000,
        path: '/',
        key: 'peerjs',
        secret: undefined,
        allowDiscovery: false,
        maxClients: 2000,
        sendBufferLimitBytes: 4194304,
        maxQueuedBytesPerPeer: 1048576,
        maxQueuedBytes: 33554432,
      },
      signalingUrl: undefined,
      eventTimeoutMs: 30000,
      redirectAllowedNetworks: undefined,
      limits: {
        maxPendingOffers: 32,
        offerTimeoutMs: 60000,
        maxConnectionsPerPeer: 1000,
        maxConnections: 2000,
        maxMetadataBytes: 16384,
        maxMetadataDepth: 32,
      },
      dataBufferLimitBytes: 1048576,
      mediaBindAddresses: config.mediaBindAddresses,
      mediaSharedPort: undefined,
      mediaAdvertisedAddresses: [],
      iceServers: [],
      turnAuth: undefined,
      turnTls: { verify: 'system' },
      iceTransportPolicy: 'all',
      mediaNack: true,
      mediaBandwidthFeedback: true,
      demoPage: false,
    });
    assert.ok(config.mediaBindAddresses.includes('127.0.0.1'), 'media gathers on every IPv4 interface, loopback included');
    assert.deepEqual(warnings, []);
  });

  it('defaultConfig() is loadConfig() with no source, overrides laid over it, lists not shared', () => {
    assert.deepEqual(defaultConfig(), loadConfig().config);
    const a = defaultConfig({ apiPort: 0, logLevel: 'debug', mediaBindAddresses: ['127.0.0.1'] });
    assert.equal(a.apiPort, 0);
    assert.equal(a.logLevel, 'debug');
    assert.deepEqual(a.mediaBindAddresses, ['127.0.0.1']);
    assert.equal(a.portMin, 50001);
    assert.notEqual(defaultConfig().apiAllowedHosts, defaultConfig().apiAllowedHosts, 'each config gets its own default list');
  });

  it('takes every setting from its flag, its environment variable and its config key, and says which in errors', () => {
    // A TOML float is no valid value of any setting; flags and the environment carry strings, and
    // only these settings take any non-empty string (or check a file before they could say where).
    const anyString = new Set(['signaling_key', 'signaling_secret', 'turn_username', 'turn_credential', 'turn_secret', 'turn_tls_ca_file']);
    for (const s of Object.values(SETTING_TABLE)) {
      assert.throws(() => loadConfig({ file: tomlFile(`${s.key} = 1.5\n`) }), new RegExp(`config\\.toml: ${s.key}\\b`), s.key);
      if (anyString.has(s.key)) continue;
      const bad = s.type === 'boolean' ? 'maybe' : s.type === 'integer' ? 'many' : 'not/valid\u0001:,';
      assert.throws(() => loadConfig({ flags: { [s.flag]: bad } }), new RegExp(`--${s.flag}( =|:)`), s.key);
      assert.throws(() => loadConfig({ env: { [s.env]: bad } }), new RegExp(`${s.env}( =|:)`), s.key);
    }
  });

  it('reads address lists for media: bind addresses, and STUN servers in the older stun_servers spelling (as stun: URLs)', () => {
    const { config } = loadConfig({ flags: { 'media-bind-addresses': '127.0.0.1, ::1', 'stun-servers': '192.0.2.1:3478,[2001:db8::1]:19302' } });
    assert.deepEqual(config.mediaBindAddresses, ['127.0.0.1', '::1']);
    assert.deepEqual(
      config.iceServers.map((u) => u.text),
      ['stun:192.0.2.1:3478', 'stun:[2001:db8::1]:19302'],
    );
    const fromFile = loadConfig({ file: tomlFile('media_bind_addresses = ["127.0.0.2"]\nstun_servers = ["192.0.2.2:3478"]\n') });
    assert.deepEqual(fromFile.config.mediaBindAddresses, ['127.0.0.2']);
    assert.deepEqual(fromFile.config.iceServers, [{ scheme: 'stun', host: '192.0.2.2', port: 3478, transport: 'udp', text: 'stun:192.0.2.2:3478' }]);
  });

  it('reads the exposure settings: API token, allowed hosts and origins, redirect networks', () => {
    const { config } = loadConfig({
      flags: {
        'api-token': 'a-long-enough-token-1234',
        'api-allowed-hosts': 'Gateway.Example.com, box.local.',
        'api-allowed-origins': 'https://app.example.com, http://127.0.0.1:3000',
        'redirect-allowed-networks': '10.1.2.3/16, ::1, 239.0.0.0/8',
      },
    });
    assert.equal(config.apiToken, 'a-long-enough-token-1234');
    assert.deepEqual(config.apiAllowedHosts, ['gateway.example.com', 'box.local']);
    assert.deepEqual(config.apiAllowedOrigins, ['https://app.example.com', 'http://127.0.0.1:3000']);
    assert.deepEqual(config.redirectAllowedNetworks, ['10.1.0.0/16', '::1/128', '239.0.0.0/8']);
    assert.throws(() => loadConfig({ flags: { 'api-token': 'short' } }), /--api-token: must be 16/);
    assert.throws(() => loadConfig({ flags: { 'api-allowed-hosts': 'evil.example:80' } }), /not a host name/);
    assert.throws(() => loadConfig({ flags: { 'api-allowed-origins': 'https://app.example.com/path' } }), /scheme:\/\/host/);
    assert.throws(() => loadConfig({ flags: { 'redirect-allowed-networks': '10.0.0.0/33' } }), /not a network/);
  });

  it('never prints the API token in an error', () => {
    assert.throws(
      () => loadConfig({ flags: { 'api-token': 'has a space but is long' } }),
      (error: Error) => !error.message.includes('has a space'),
    );
  });

  it('reads connection and signaling limits', () => {
    const { config } = loadConfig({
      flags: { 'max-pending-offers': '4', 'offer-timeout-ms': '5000', 'max-connections': '10', 'signaling-send-buffer-limit': '65536' },
      env: { WEBRTC_GATEWAY_MAX_METADATA_DEPTH: '3', WEBRTC_GATEWAY_SIGNALING_QUEUE_LIMIT: '1024' },
    });
    assert.equal(config.limits.maxPendingOffers, 4);
    assert.equal(config.limits.offerTimeoutMs, 5000);
    assert.equal(config.limits.maxConnections, 10);
    assert.equal(config.limits.maxMetadataDepth, 3);
    assert.equal(config.signaling?.sendBufferLimitBytes, 65536);
    assert.equal(config.signaling?.maxQueuedBytes, 1024);
    assert.throws(() => loadConfig({ flags: { 'offer-timeout-ms': '10' } }), /--offer-timeout-ms/);
  });

  it('media_shared_port is off unless set, and takes 0 (any free port) to 65535', () => {
    assert.equal(loadConfig({}).config.mediaSharedPort, undefined);
    assert.equal(loadConfig({ flags: { 'media-shared-port': '0' } }).config.mediaSharedPort, 0);
    assert.equal(loadConfig({ env: { WEBRTC_GATEWAY_MEDIA_SHARED_PORT: '50000' } }).config.mediaSharedPort, 50000);
    assert.equal(loadConfig({ file: tomlFile('media_shared_port = 3478\n') }).config.mediaSharedPort, 3478);
    assert.throws(() => loadConfig({ flags: { 'media-shared-port': '65536' } }), /--media-shared-port/);
    assert.throws(() => loadConfig({ flags: { 'media-shared-port': 'yes' } }), /--media-shared-port/);
  });

  it("reads the original gateway's config.toml keys in a [general] table", () => {
    const file = tomlFile('[general]\napi_port = 8001\nlog_level = "debug"\n');
    const { config } = loadConfig({ file });
    assert.equal(config.apiPort, 8001);
    assert.equal(config.logLevel, 'debug');
  });

  it('reads top-level keys too', () => {
    const { config } = loadConfig({ file: tomlFile('api_port = 8002\nport_min = 40000\nport_max = 40010\n') });
    assert.equal(config.apiPort, 8002);
    assert.equal(config.portMin, 40000);
    assert.equal(config.portMax, 40010);
  });

  it('lets the environment override the file and flags override both', () => {
    const file = tomlFile('api_port = 8003\nlog_level = "warn"\n');
    const env = { WEBRTC_GATEWAY_API_PORT: '8004', WEBRTC_GATEWAY_LOG_LEVEL: 'error' };
    assert.equal(loadConfig({ file, env }).config.apiPort, 8004);
    const { config } = loadConfig({ file, env, flags: { 'api-port': '8005', 'log-level': 'debug' } });
    assert.equal(config.apiPort, 8005);
    assert.equal(config.logLevel, 'debug');
  });

  it('advertises the bind address when it is a specific IPv4 address', () => {
    const { config } = loadConfig({ flags: { 'port-bind-ip': '127.0.0.2' } });
    assert.equal(config.advertisedIpV4, '127.0.0.2');
  });

  it('warns about unknown config-file keys instead of silently ignoring them', () => {
    const { warnings } = loadConfig({ file: tomlFile('api_prot = 1\n') });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /unknown key api_prot/);
  });

  const invalid: [string, Parameters<typeof loadConfig>[0], RegExp][] = [
    ['a port out of range', { flags: { 'api-port': '70000' } }, /--api-port = "70000": must be an integer from 0 to 65535/],
    ['a port that is not a number', { env: { WEBRTC_GATEWAY_API_PORT: '80a' } }, /WEBRTC_GATEWAY_API_PORT/],
    ['an unknown log level', { flags: { 'log-level': 'loud' } }, /must be one of error, warn, info, debug, silent/],
    ['a host name where an IP is required', { flags: { 'api-host': 'localhost' } }, /numeric IPv4 or IPv6/],
    ['an IPv6 advertised ip_v4', { flags: { 'advertised-ip-v4': '::1' } }, /numeric IPv4 address/],
    ['a STUN server by name', { flags: { 'stun-servers': 'stun.example.com:3478' } }, /must be ip:port or \[ipv6\]:port/],
    ['a media bind address that is not an IP', { env: { WEBRTC_GATEWAY_MEDIA_BIND_ADDRESSES: 'eth0' } }, /"eth0" is not an IP address/],
    ['an inverted port range', { flags: { 'port-min': '5000', 'port-max': '4000' } }, /port_min \(5000\) must not be greater/],
  ];
  for (const [what, sources, message] of invalid) {
    it(`rejects ${what} with a ConfigError naming the source`, () => {
      assert.throws(() => loadConfig(sources), (e: unknown) => e instanceof ConfigError && e.code === 'INVALID_CONFIG' && message.test(e.message));
    });
  }

  it('rejects a config file that is not TOML, and one that does not exist', () => {
    assert.throws(() => loadConfig({ file: tomlFile('api_port = = 1') }), /is not valid TOML/);
    assert.throws(() => loadConfig({ file: '/nonexistent/config.toml' }), /cannot read config file/);
  });

  it('rejects a config-file value of the wrong type', () => {
    assert.throws(() => loadConfig({ file: tomlFile('api_port = "eighty"') }), /config.toml: api_port = "eighty"/);
  });
});
