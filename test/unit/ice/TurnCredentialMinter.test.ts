import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';

import { TurnCredentialMinter } from '../../../src/session/ice/TurnCredentialMinter.js';

describe('TurnCredentialMinter', () => {
  const now = Date.UTC(2023, 10, 15, 22, 13, 20, 999); // 1700086400.999 s

  it('mints the TURN REST API pair: username "<now + lifetime>:<peer id>", password base64(HMAC-SHA1(secret, username))', () => {
    const minter = new TurnCredentialMinter({ kind: 'secret', secret: 's3cr3t', lifetimeSeconds: 86400 });
    const c = minter.mint('gateway', now - 86400 * 1000);
    assert.equal(c.username, '1700086400:gateway');
    assert.equal(c.expiresAt, 1700086400);
    // Computed outside this code: printf '1700086400:gateway' | openssl dgst -sha1 -hmac s3cr3t -binary | base64
    assert.equal(c.credential, 'XBUq8ZKbcCt1jtrZJP3/EBaUR1o=');
  });

  it('agrees with node:crypto on any name and lifetime, and rounds the expiry down to whole seconds', () => {
    const minter = new TurnCredentialMinter({ kind: 'secret', secret: 'another secret with spaces ✓', lifetimeSeconds: 600 });
    const c = minter.mint('peer with+plus', now);
    assert.equal(c.username, `${1700086400 + 600}:peer with+plus`);
    const expected = createHmac('sha1', Buffer.from('another secret with spaces ✓', 'utf8')).update(Buffer.from(c.username, 'utf8')).digest('base64');
    assert.equal(c.credential, expected);
    assert.equal(Buffer.from(c.credential, 'base64').length, 20, 'an SHA-1 digest');
  });

  it('mints a new pair as time passes and per peer, never containing the secret', () => {
    const minter = new TurnCredentialMinter({ kind: 'secret', secret: 'the-secret', lifetimeSeconds: 3600 });
    const a = minter.mint('a', now);
    const later = minter.mint('a', now + 5000);
    const b = minter.mint('b', now);
    assert.notEqual(a.username, later.username);
    assert.notEqual(a.credential, later.credential);
    assert.notEqual(a.credential, b.credential);
    for (const c of [a, later, b]) assert.ok(!JSON.stringify(c).includes('the-secret'));
  });

  it('hands out static credentials as they are, with no expiry', () => {
    const minter = new TurnCredentialMinter({ kind: 'static', username: 'alice', credential: 'pw' });
    assert.deepEqual(minter.mint('any', now), { username: 'alice', credential: 'pw', expiresAt: undefined });
  });
});
