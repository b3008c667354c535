import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import { loadTestAddon } from '../../helpers/native/testAddon.js';
import { hex, LONG_TERM, LONG_TERM_REQUEST, SAMPLE_IPV4_RESPONSE, SAMPLE_IPV6_RESPONSE, SAMPLE_REQUEST, SHORT_TERM_PASSWORD } from '../../helpers/rfc5769.js';

const { sansio } = loadTestAddon();

describe('STUN (RFC 8489) against the RFC 5769 test vectors', () => {
  it('2.1 sample request: attributes, MESSAGE-INTEGRITY with the short-term password, FINGERPRINT', () => {
    const m = sansio.stunParse(SAMPLE_REQUEST, SHORT_TERM_PASSWORD);
    assert.ok(m);
    assert.equal(m.method, 1);
    assert.equal(m.class, 'request');
    assert.equal(m.transactionId, 'b7e7a701bc34d686fa87dfae');
    assert.equal(m.software, 'STUN test client');
    assert.equal(m.username, 'evtj:h6vY');
    assert.equal(m.priority, 0x6e0001ff);
    assert.equal(m.iceControlled, '932ff9b151263b36');
    assert.equal(m.integrityValid, true);
    assert.equal(m.fingerprintValid, true);
    assert.equal(sansio.stunParse(SAMPLE_REQUEST, Buffer.from('wrong password'))?.integrityValid, false);
  });

  it('2.2 IPv4 response: XOR-MAPPED-ADDRESS 192.0.2.1:32853', () => {
    const m = sansio.stunParse(SAMPLE_IPV4_RESPONSE, SHORT_TERM_PASSWORD);
    assert.equal(m?.class, 'success');
    assert.equal(m?.xorMappedAddress, '192.0.2.1:32853');
    assert.equal(m?.software, 'test vector');
    assert.equal(m?.integrityValid, true);
    assert.equal(m?.fingerprintValid, true);
  });

  it('2.3 IPv6 response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853', () => {
    const m = sansio.stunParse(SAMPLE_IPV6_RESPONSE, SHORT_TERM_PASSWORD);
    assert.equal(m?.xorMappedAddress, '[2001:db8:1234:5678:11:2233:4455:6677]:32853');
    assert.equal(m?.integrityValid, true);
    assert.equal(m?.fingerprintValid, true);
  });

  it('2.4 long-term credentials: MESSAGE-INTEGRITY with MD5(username:realm:password), and rebuilt byte for byte', () => {
    const key = createHash('md5').update(`${LONG_TERM.username}:${LONG_TERM.realm}:${LONG_TERM.password}`).digest();
    const m = sansio.stunParse(LONG_TERM_REQUEST, key);
    assert.equal(m?.username, '\u30de\u30c8\u30ea\u30c3\u30af\u30b9');
    assert.equal(m?.nonce, 'f//499k954d6OL34oL9FSTvy64sA');
    assert.equal(m?.realm, 'example.org');
    assert.equal(m?.hasFingerprint, false);
    assert.equal(m?.integrityValid, true);
    const rebuilt = sansio.stunBuild({
      method: 1,
      class: 'request',
      transactionId: hex('78ad3433c6ad72c029da412e'),
      attributes: [
        { type: 0x0006, value: Buffer.from('\u30de\u30c8\u30ea\u30c3\u30af\u30b9') },
        { type: 0x0015, value: Buffer.from('f//499k954d6OL34oL9FSTvy64sA') },
        { type: 0x0014, value: Buffer.from('example.org') },
      ],
      integrityKey: key,
    });
    assert.deepEqual(rebuilt, LONG_TERM_REQUEST);
  });

  it('builds messages whose integrity and fingerprint its parser accepts, and rejects any flipped bit', () => {
    const key = Buffer.from('secret');
    const built = sansio.stunBuild({
      method: 1,
      class: 'request',
      transactionId: Buffer.alloc(12, 7),
      attributes: [{ type: 0x0006, value: Buffer.from('a:b') }],
      integrityKey: key,
      fingerprint: true,
    });
    assert.equal(sansio.stunParse(built, key)?.integrityValid, true);
    assert.equal(sansio.stunParse(built, key)?.fingerprintValid, true);
    for (let i = 20; i < built.length; i++) {
      const flipped = Buffer.from(built);
      flipped[i]! ^= 0x01;
      const m = sansio.stunParse(flipped, key);
      // A flip either breaks the framing or is caught by the checks.
      if (m) assert.ok(!(m.integrityValid && m.fingerprintValid), `bit flip at byte ${i} went unnoticed`);
    }
  });

  it('rejects malformed framing without reading outside the buffer', () => {
    const bad: [string, Buffer][] = [
      ['shorter than a header', SAMPLE_REQUEST.subarray(0, 19)],
      ['truncated', SAMPLE_REQUEST.subarray(0, SAMPLE_REQUEST.length - 1)],
      ['with a trailing byte', Buffer.concat([SAMPLE_REQUEST, Buffer.alloc(1)])],
      ['with the top bits set', Buffer.concat([Buffer.from([0xc0]), SAMPLE_REQUEST.subarray(1)])],
      ['with a wrong magic cookie', Buffer.concat([SAMPLE_REQUEST.subarray(0, 4), Buffer.alloc(4), SAMPLE_REQUEST.subarray(8)])],
      ['with a length not a multiple of 4', (() => { const b = Buffer.from(SAMPLE_REQUEST); b.writeUInt16BE(0x57, 2); return b; })()],
      ['with an attribute running past the end', (() => { const b = Buffer.from(SAMPLE_REQUEST); b.writeUInt16BE(0x00ff, 22); return b; })()],
      ['with a FINGERPRINT that is not last', Buffer.concat([(() => { const b = Buffer.from(SAMPLE_REQUEST); b.writeUInt16BE(0x60, 2); return b; })(), hex('80 22 00 04 61 62 63 64')])],
      ['empty', Buffer.alloc(0)],
    ];
    for (const [what, bytes] of bad) assert.equal(sansio.stunParse(bytes), null, what);
  });
});
