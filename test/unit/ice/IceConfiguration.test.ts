import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';

import { ConfigError } from '../../../src/config/ConfigError.js';
import { IceConfiguration } from '../../../src/session/ice/IceConfiguration.js';
import { parseIceServerUrl, type IceServerUrl } from '../../../src/session/ice/IceServerUrl.js';
import { resolveIceServers, type ResolvedIceServer } from '../../../src/session/ice/resolveIceServers.js';

const url = (text: string): IceServerUrl => parseIceServerUrl(text) as IceServerUrl;
const NOW = 1_700_000_000_000;

describe('resolveIceServers', () => {
  it('keeps IP literals as they are and resolves names with the system resolver (localhost from /etc/hosts)', async () => {
    const [literal, named] = await resolveIceServers([url('turn:[::1]:3478'), url('stun:localhost:3478')]);
    assert.deepEqual(literal!.addresses, ['::1']);
    assert.ok(named!.addresses.includes('127.0.0.1'), JSON.stringify(named!.addresses));
  });

  it('stops the start with ConfigError ICE_SERVER_UNRESOLVED naming the URL when a name does not resolve', async () => {
    const lookup = async (host: string): Promise<string[]> => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    await assert.rejects(resolveIceServers([url('turn:nowhere.invalid')], lookup), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.code, 'ICE_SERVER_UNRESOLVED');
      assert.match(e.message, /turn:nowhere\.invalid:3478\?transport=udp: the host name nowhere\.invalid does not resolve \(getaddrinfo ENOTFOUND/);
      return true;
    });
    await assert.rejects(resolveIceServers([url('stun:empty.invalid')], async () => []), /has no A or AAAA address/);
  });
});

describe('IceConfiguration.forPeer', () => {
  const servers: ResolvedIceServer[] = [
    { url: url('stun:stun.example.com:19302'), addresses: ['192.0.2.1', '192.0.2.2', '2001:db8::1'] },
    { url: url('turn:turn.example.com?transport=tcp'), addresses: ['192.0.2.10'] },
    { url: url('turns:turn.example.com'), addresses: ['192.0.2.10'] },
  ];
  const ice = new IceConfiguration({
    servers,
    turnAuth: { kind: 'secret', secret: 'S', lifetimeSeconds: 600 },
    policy: 'relay',
    advertisedAddresses: ['198.51.100.7'],
  });

  it('gives libwebrtc resolved addresses (one per family) and minted credentials; turns: keeps its name for TLS', () => {
    const { rtc } = ice.forPeer('gw', true, NOW);
    const username = `${NOW / 1000 + 600}:gw`;
    const credential = createHmac('sha1', 'S').update(username).digest('base64');
    assert.deepEqual(rtc, {
      iceServers: [
        { urls: ['stun:192.0.2.1:19302', 'stun:[2001:db8::1]:19302'] },
        { urls: ['turn:192.0.2.10:3478?transport=tcp', 'turns:turn.example.com:5349?transport=tcp'], username, credential },
      ],
      iceTransportPolicy: 'relay',
    });
  });

  it('gives the native transport STUN and TURN addresses, the relay policy and the advertised addresses', () => {
    const { media } = ice.forPeer('gw', true, NOW);
    const username = `${NOW / 1000 + 600}:gw`;
    const credential = createHmac('sha1', 'S').update(username).digest('base64');
    assert.deepEqual(media, {
      stunServers: [
        { ip: '192.0.2.1', port: 19302 },
        { ip: '2001:db8::1', port: 19302 },
      ],
      turnServers: [
        { ip: '192.0.2.10', port: 3478, transport: 'tcp', host: 'turn.example.com', username, credential, url: 'turn:turn.example.com:3478?transport=tcp' },
        { ip: '192.0.2.10', port: 5349, transport: 'tls', host: 'turn.example.com', username, credential, url: 'turns:turn.example.com:5349?transport=tcp', tlsVerify: 'system' },
      ],
      relayOnly: true,
      advertisedAddresses: ['198.51.100.7'],
    });
  });

  it('tells the native transport how to check a turns: certificate (system CAs unless configured), and counts its relays for descriptors', () => {
    const tlsOf = (o: ConstructorParameters<typeof IceConfiguration>[0]) =>
      new IceConfiguration(o).forPeer('gw', true, NOW).media.turnServers!.map((s) => [s.transport, s.tlsVerify, s.tlsCaFile]);
    const base = { servers, turnAuth: { kind: 'secret' as const, secret: 'S', lifetimeSeconds: 600 }, policy: 'all' as const, advertisedAddresses: [] };
    assert.deepEqual(tlsOf(base), [['tcp', undefined, undefined], ['tls', 'system', undefined]]);
    assert.deepEqual(tlsOf({ ...base, turnTls: { verify: 'ca-file', caFile: '/etc/ca.pem' } }), [['tcp', undefined, undefined], ['tls', 'ca-file', '/etc/ca.pem']]);
    assert.deepEqual(tlsOf({ ...base, turnTls: { verify: 'none' } }), [['tcp', undefined, undefined], ['tls', 'none', undefined]]);
    assert.deepEqual(ice.mediaTurnServers, [
      { ip: '192.0.2.10', transport: 'tcp' },
      { ip: '192.0.2.10', transport: 'tls' },
    ]);
    assert.deepEqual(new IceConfiguration({ ...base, turnAuth: undefined }).mediaTurnServers, [], 'no credentials, no allocations');
  });

  it('gives browsers the URLs as configured, never the secret', () => {
    const { browser } = ice.forPeer('gw', true, NOW);
    assert.deepEqual(
      browser.ice_servers.map((s) => s.urls),
      [['stun:stun.example.com:19302'], ['turn:turn.example.com:3478?transport=tcp', 'turns:turn.example.com:5349?transport=tcp']],
    );
    assert.equal(browser.ice_transport_policy, 'relay');
    assert.ok(!JSON.stringify(browser).includes('"S"'));
  });

  it('keeps TURN out for a turn: false peer, everywhere (the relay policy stays)', () => {
    const c = ice.forPeer('gw', false, NOW);
    assert.deepEqual(c.rtc.iceServers, [{ urls: ['stun:192.0.2.1:19302', 'stun:[2001:db8::1]:19302'] }]);
    assert.equal(c.rtc.iceTransportPolicy, 'relay');
    assert.equal(c.media.turnServers, undefined);
    assert.equal(c.media.relayOnly, true);
    assert.deepEqual(c.browser.ice_servers, [{ urls: ['stun:stun.example.com:19302'] }]);
    assert.equal(JSON.stringify(c).includes('turn:'), false);
  });

  it('gives the demo page (served without the API token) credentials minted for "demo" that expire within the hour', () => {
    const [stun, turn] = ice.forDemoPage(NOW);
    assert.deepEqual(stun, { urls: ['stun:stun.example.com:19302'] });
    const expiry = NOW / 1000 + 600; // turn_credential_lifetime is shorter than the hour here
    assert.equal(turn!.username, `${expiry}:demo`);
    assert.equal(turn!.credential, createHmac('sha1', 'S').update(`${expiry}:demo`).digest('base64'));
    const longLived = new IceConfiguration({ servers, turnAuth: { kind: 'secret', secret: 'S', lifetimeSeconds: 86400 }, policy: 'all', advertisedAddresses: [] });
    assert.equal(longLived.forDemoPage(NOW)[1]!.username, `${NOW / 1000 + 3600}:demo`);
  });

  it('never gives the demo page static credentials: it gets STUN only', () => {
    const withStatic = new IceConfiguration({ servers, turnAuth: { kind: 'static', username: 'alice', credential: 'pw' }, policy: 'all', advertisedAddresses: [] });
    assert.deepEqual(withStatic.forDemoPage(NOW), [{ urls: ['stun:stun.example.com:19302'] }]);
    assert.equal(withStatic.forPeer('gw', true, NOW).browser.ice_servers[1]!.credential, 'pw', 'a peer token holder does get them');
  });

  it('says whether TURN is configured; with nothing configured, connections get nothing', () => {
    const none = new IceConfiguration({ servers: [], turnAuth: undefined, policy: 'all', advertisedAddresses: [] });
    assert.equal(ice.hasTurn, true);
    assert.equal(none.hasTurn, false);
    assert.deepEqual(none.forPeer('p', true), {
      rtc: { iceServers: [], iceTransportPolicy: 'all' },
      media: { stunServers: [] },
      browser: { ice_servers: [], ice_transport_policy: 'all' },
    });
  });
});
