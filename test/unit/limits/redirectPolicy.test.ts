import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GatewayError } from '../../../src/errors/GatewayError.js';
import { RedirectPolicy } from '../../../src/session/redirect/RedirectPolicy.js';

describe('RedirectPolicy', () => {
  const open = new RedirectPolicy(undefined, () => ['192.168.1.255']);

  it('without allowed networks, takes any unicast address', () => {
    for (const address of ['127.0.0.1', '10.0.0.5', '192.168.1.20', '8.8.8.8', '::1', '2001:db8::5', '::ffff:10.0.0.1']) {
      assert.equal(open.refusal(address), undefined, address);
    }
  });

  it('refuses unspecified, broadcast, multicast and link-local addresses, IPv4-mapped ones included', () => {
    const cases: [string, RegExp][] = [
      ['0.0.0.0', /unspecified/],
      ['0.1.2.3', /unspecified/],
      ['::', /unspecified/],
      ['255.255.255.255', /broadcast/],
      ['192.168.1.255', /broadcast/],
      ['224.0.0.1', /multicast/],
      ['239.255.255.250', /multicast/],
      ['ff02::1', /multicast/],
      ['::ffff:224.0.0.1', /multicast/],
      ['169.254.169.254', /link-local/],
      ['fe80::1', /link-local/],
      ['::ffff:169.254.169.254', /link-local/],
    ];
    for (const [address, reason] of cases) assert.match(open.refusal(address) ?? 'accepted', reason, address);
  });

  it('with allowed networks, takes only addresses inside them, multicast included on purpose, never unspecified', () => {
    const policy = new RedirectPolicy(['127.0.0.0/8', '239.1.0.0/16', '2001:db8::/32'], () => []);
    for (const address of ['127.0.0.1', '127.9.9.9', '239.1.2.3', '2001:db8::9', '::ffff:127.0.0.1']) assert.equal(policy.refusal(address), undefined, address);
    for (const address of ['10.0.0.1', '239.2.0.1', '::1', '8.8.8.8']) assert.match(policy.refusal(address) ?? 'accepted', /outside redirect_allowed_networks/, address);
    const everything = new RedirectPolicy(['0.0.0.0/0'], () => []);
    assert.match(everything.refusal('0.0.0.0') ?? 'accepted', /unspecified/);
  });

  it('target() answers a refused address with a 400 naming the field', () => {
    assert.throws(
      () => open.target({ ip_v4: '224.0.0.1', port: 5000 }, 'redirect_params.video'),
      (e: unknown) => e instanceof GatewayError && e.status === 400 && e.errors[0]!.field === 'redirect_params.video.ip_v4',
    );
    assert.deepEqual(open.target({ ip_v6: '::1', port: 5000 }, 'redirect_params'), { address: '::1', port: 5000, family: 6 });
  });
});
