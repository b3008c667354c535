import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import { loadAddon } from '../../../src/native/addon.js';

const { sansio } = loadAddon();
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Test vectors of RFC 5769 ("Test Vectors for STUN", sections 2.1 to 2.4), as printed there.
const SHORT_TERM_PASSWORD = Buffer.from('VOkJxbRl1RmTxUk/WvJxBt');
const SAMPLE_REQUEST = hex(`
  00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
  00 24 00 04 6e 00 01 ff
  80 29 00 08 93 2f f9 b1 51 26 3b 36
  00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
  00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
  80 28 00 04 e5 7a 3b cf`);
const SAMPLE_IPV4_RESPONSE = hex(`
  01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 08 00 01 a1 47 e1 12 a6 43
  00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
  80 28 00 04 c0 7d 4c 96`);
const SAMPLE_IPV6_RESPONSE = hex(`
  01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
  80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
  00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
  00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
  80 28 00 04 c8 fb 0b 4c`);
const LONG_TERM_REQUEST = hex(`
  00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
  00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
  00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
  00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
  00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66`);

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
    const key = createHash('md5').update('\u30de\u30c8\u30ea\u30c3\u30af\u30b9:example.org:TheMatrIX').digest();
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
