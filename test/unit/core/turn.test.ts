import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';

import { loadTestAddon, type RawSansIoTurnClient } from '../../helpers/native/testAddon.js';
import { ATTR } from '../../helpers/nat/stunMessage.js';
import { hex, LONG_TERM, LONG_TERM_REQUEST } from '../../helpers/rfc5769.js';

const { sansio } = loadTestAddon();

// TURN's pure pieces (native/core/turn) and the TurnClient against a server scripted here,
// byte for byte, with fake time. The checks of integrity use node:crypto, not our code.

const ALLOCATE = 0x003;

/** type → values, in order, of a STUN message's attributes (a test's own parser). */
function attributes(m: Buffer): Map<number, Buffer[]> {
  const out = new Map<number, Buffer[]>();
  for (let at = 20; at + 4 <= m.length; ) {
    const type = m.readUInt16BE(at);
    const length = m.readUInt16BE(at + 2);
    out.set(type, [...(out.get(type) ?? []), m.subarray(at + 4, at + 4 + length)]);
    at += 4 + ((length + 3) & ~3);
  }
  return out;
}

function offsetOf(m: Buffer, type: number): number {
  for (let at = 20; at + 4 <= m.length; ) {
    if (m.readUInt16BE(at) === type) return at;
    at += 4 + ((m.readUInt16BE(at + 2) + 3) & ~3);
  }
  return -1;
}

/** RFC 8489 section 14.6, computed with node:crypto: HMAC-SHA256 up to the attribute, length patched. */
function integritySha256(m: Buffer, key: Buffer, offset: number): Buffer {
  const input = Buffer.from(m.subarray(0, offset));
  input.writeUInt16BE(offset + 4 + 32 - 20, 2);
  return createHmac('sha256', key).update(input).digest();
}

/** Appends MESSAGE-INTEGRITY-SHA256 to a message built without integrity. */
function signSha256(m: Buffer, key: Buffer): Buffer {
  const mac = integritySha256(m, key, m.length);
  const attribute = Buffer.alloc(36);
  attribute.writeUInt16BE(ATTR.MESSAGE_INTEGRITY_SHA256, 0);
  attribute.writeUInt16BE(32, 2);
  mac.copy(attribute, 4);
  const out = Buffer.concat([m, attribute]);
  out.writeUInt16BE(out.length - 20, 2);
  return out;
}

function xorAddress(ip: string, port: number): Buffer {
  const v = Buffer.alloc(8);
  v[1] = 0x01;
  v.writeUInt16BE(port ^ 0x2112, 2);
  const cookie = [0x21, 0x12, 0xa4, 0x42];
  ip.split('.').forEach((octet, i) => (v[4 + i] = Number(octet) ^ cookie[i]!));
  return v;
}

function errorCode(code: number, reason: string): Buffer {
  return Buffer.concat([Buffer.from([0, 0, Math.floor(code / 100), code % 100]), Buffer.from(reason)]);
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

function respond(
  request: Buffer,
  cls: 'success' | 'error',
  attrs: { type: number; value: Buffer }[],
  integrityKey?: Buffer,
): Buffer {
  return sansio.stunBuild({
    method: request.readUInt16BE(0) & 0x3eef,
    class: cls,
    transactionId: request.subarray(8, 20),
    attributes: attrs,
    integrityKey,
  });
}

const challenge = (request: Buffer, code: number, nonce: string, extra: { type: number; value: Buffer }[] = []): Buffer =>
  respond(request, 'error', [
    { type: ATTR.ERROR_CODE, value: errorCode(code, code === 401 ? 'Unauthorized' : 'Stale Nonce') },
    { type: ATTR.REALM, value: Buffer.from('example.org') },
    { type: ATTR.NONCE, value: Buffer.from(nonce) },
    ...extra,
  ]);

const allocateSuccess = (request: Buffer, lifetime = 600): { type: number; value: Buffer }[] => [
  { type: ATTR.XOR_RELAYED_ADDRESS, value: xorAddress('203.0.113.9', 50000) },
  { type: ATTR.XOR_MAPPED_ADDRESS, value: xorAddress('198.51.100.7', 40000) },
  { type: ATTR.LIFETIME, value: u32(lifetime) },
];

function newClient(transport: 'udp' | 'tcp' = 'udp'): RawSansIoTurnClient {
  return new sansio.TurnClient({ ip: '192.0.2.1', port: 3478, transport, username: 'user', credential: 'pass', seed: 1 });
}

const one = (client: RawSansIoTurnClient): Buffer => {
  const sent = client.takeTransmits();
  assert.equal(sent.length, 1, `exactly one message sent, got ${sent.length}`);
  return sent[0]!;
};

describe('TURN long-term credentials (RFC 8489 section 9.2)', () => {
  it('the MD5 key of RFC 5769 section 2.4 verifies that vector\'s MESSAGE-INTEGRITY', () => {
    const key = sansio.turnLongTermKey('md5', LONG_TERM.username, LONG_TERM.realm, LONG_TERM.password);
    assert.deepEqual(key, createHash('md5').update(`${LONG_TERM.username}:${LONG_TERM.realm}:${LONG_TERM.password}`).digest());
    assert.equal(sansio.stunParse(LONG_TERM_REQUEST, key)?.integrityValid, true);
  });

  it('the SHA-256 key is SHA-256(username ":" realm ":" password)', () => {
    const key = sansio.turnLongTermKey('sha-256', 'user', 'example.org', 'pass');
    assert.equal(key.length, 32);
    assert.deepEqual(key, createHash('sha256').update('user:example.org:pass').digest());
  });

  it('answers a 401 offering PASSWORD-ALGORITHMS with SHA-256: PASSWORD-ALGORITHM and MESSAGE-INTEGRITY-SHA256', () => {
    const client = newClient();
    client.start(0);
    const first = one(client);
    assert.equal(first.readUInt16BE(0), 0x0003, 'an Allocate request');
    assert.equal(attributes(first).has(ATTR.USERNAME), false, 'the first request has no credentials');
    // Nonce cookie with the "Password algorithms" feature bit ('g' = 100000b), then MD5 and SHA-256 offered.
    const nonce = 'obMatJos2gAAAnonce-1';
    const offered = hex('0001 0000 0002 0000');
    client.handleDatagram(1000, challenge(first, 401, nonce, [{ type: ATTR.PASSWORD_ALGORITHMS, value: offered }]));
    const second = one(client);
    const a = attributes(second);
    assert.equal(a.get(ATTR.USERNAME)?.[0]?.toString(), 'user');
    assert.equal(a.get(ATTR.REALM)?.[0]?.toString(), 'example.org');
    assert.equal(a.get(ATTR.NONCE)?.[0]?.toString(), nonce);
    assert.deepEqual(a.get(ATTR.PASSWORD_ALGORITHMS)?.[0], offered, 'the offer echoed unchanged');
    assert.deepEqual(a.get(ATTR.PASSWORD_ALGORITHM)?.[0], hex('0002 0000'), 'SHA-256 chosen');
    assert.equal(a.has(ATTR.MESSAGE_INTEGRITY), false);
    const key = createHash('sha256').update('user:example.org:pass').digest();
    const at = offsetOf(second, ATTR.MESSAGE_INTEGRITY_SHA256);
    assert.ok(at > 0);
    assert.deepEqual(second.subarray(at + 4, at + 36), integritySha256(second, key, at), 'MESSAGE-INTEGRITY-SHA256 verifies');

    // A success whose MESSAGE-INTEGRITY-SHA256 is wrong is ignored; the right one is taken.
    const unsigned = respond(second, 'success', allocateSuccess(second));
    const forged = signSha256(unsigned, Buffer.alloc(32, 1));
    client.handleDatagram(2000, forged);
    assert.equal(client.stats().unauthenticated, 1);
    assert.equal(client.state(), 'allocating');
    client.handleDatagram(3000, signSha256(unsigned, key));
    assert.deepEqual(client.takeEvents(), [{ kind: 'allocated', relayed: '203.0.113.9:50000', mapped: '198.51.100.7:40000', lifetime: 600 }]);
  });

  it('a nonce cookie asking for password algorithms without offering any is not answered', () => {
    const client = newClient();
    client.start(0);
    client.handleDatagram(1000, challenge(one(client), 401, 'obMatJos2gAAAx'));
    assert.equal(client.takeTransmits().length, 0);
    const events = client.takeEvents();
    assert.equal(events[0]?.kind, 'failed');
  });

  it('MD5 and MESSAGE-INTEGRITY without PASSWORD-ALGORITHMS; an unsigned success is not trusted', () => {
    const client = newClient();
    client.start(0);
    client.handleDatagram(1000, challenge(one(client), 401, 'plain-nonce'));
    const second = one(client);
    const key = createHash('md5').update('user:example.org:pass').digest();
    assert.equal(sansio.stunParse(second, key)?.integrityValid, true);
    assert.equal(attributes(second).has(ATTR.MESSAGE_INTEGRITY_SHA256), false);
    client.handleDatagram(2000, respond(second, 'success', allocateSuccess(second)));
    assert.equal(client.stats().unauthenticated, 1, 'no integrity: ignored');
    client.handleDatagram(3000, respond(second, 'success', allocateSuccess(second), key));
    assert.equal(client.state(), 'allocated');
  });

  it('wrong credentials: one authenticated retry, then failed with the 401, nothing more sent', () => {
    const client = newClient();
    client.start(0);
    client.handleDatagram(1000, challenge(one(client), 401, 'n1'));
    client.handleDatagram(2000, challenge(one(client), 401, 'n2'));
    assert.deepEqual(client.takeEvents(), [
      { kind: 'failed', code: 401, reason: 'Unauthorized', server: 'turn:192.0.2.1:3478', text: 'turn:192.0.2.1:3478 401 Unauthorized' },
    ]);
    assert.equal(client.stats().requests, 2);
    assert.equal(client.nextTimeout(), null);
    client.handleTimeout(60_000_000);
    assert.equal(client.takeTransmits().length, 0);
  });

  it('438 Stale Nonce: retried with the new nonce at most twice per request', () => {
    const client = newClient();
    client.start(0);
    client.handleDatagram(1000, challenge(one(client), 401, 'n1'));
    let request = one(client);
    for (const nonce of ['n2', 'n3']) {
      client.handleDatagram(2000, challenge(request, 438, nonce));
      request = one(client);
      assert.equal(attributes(request).get(ATTR.NONCE)?.[0]?.toString(), nonce);
    }
    client.handleDatagram(3000, challenge(request, 438, 'n4'));
    assert.equal(client.takeTransmits().length, 0);
    const failed = client.takeEvents()[0];
    assert.ok(failed?.kind === 'failed' && failed.code === 438);
    assert.equal(client.stats().staleNonceRetries, 2);
  });
});

describe('TurnClient timers', () => {
  it('retransmits over UDP per RFC 8489 section 6.2.1 (Rc 7, Rm 16) and fails at 39.5 s', () => {
    const client = newClient();
    client.start(0);
    const sentAt = [0];
    one(client);
    for (let i = 0; i < 20 && client.state() !== 'failed'; i++) {
      const t = client.nextTimeout();
      assert.ok(t !== null);
      client.handleTimeout(t);
      if (client.takeTransmits().length > 0) sentAt.push(t / 1000);
    }
    assert.deepEqual(sentAt, [0, 500, 1500, 3500, 7500, 15500, 31500]);
    const failed = client.takeEvents()[0];
    assert.ok(failed?.kind === 'failed');
    assert.equal(failed.text, 'turn:192.0.2.1:3478 no answer');
    assert.equal(client.stats().retransmits, 6);
    assert.equal(client.stats().timeouts, 1);
  });

  it('over TCP sends once and gives up after 39.5 s', () => {
    const client = newClient('tcp');
    client.start(0);
    one(client);
    assert.equal(client.nextTimeout(), 39_500_000);
    client.handleTimeout(39_499_999);
    assert.equal(client.state(), 'allocating');
    client.handleTimeout(39_500_000);
    assert.equal(client.takeTransmits().length, 0);
    assert.equal(client.state(), 'failed');
  });

  it('refreshes at lifetime - 60 s, or at half a short lifetime', () => {
    for (const [lifetime, refreshAt] of [
      [600, 540_000_000],
      [10, 5_000_000],
    ] as const) {
      const client = newClient();
      client.start(0);
      client.handleDatagram(0, challenge(one(client), 401, 'n'));
      const request = one(client);
      const key = createHash('md5').update('user:example.org:pass').digest();
      client.handleDatagram(0, respond(request, 'success', allocateSuccess(request, lifetime), key));
      assert.equal(client.nextTimeout(), refreshAt);
      client.handleTimeout(refreshAt);
      assert.equal(one(client).readUInt16BE(0), 0x0004, 'a Refresh request');
    }
  });
});

describe('TurnClient Refresh lifetime (RFC 8656 section 8.1)', () => {
  /** Allocates with `lifetime` granted, then runs the clock to the first Refresh and returns it. */
  const firstRefresh = (client: RawSansIoTurnClient, granted: number): Buffer => {
    client.start(0);
    client.handleDatagram(0, challenge(one(client), 401, 'n'));
    const request = one(client);
    const key = createHash('md5').update('user:example.org:pass').digest();
    client.handleDatagram(0, respond(request, 'success', allocateSuccess(request, granted), key));
    client.handleTimeout(client.nextTimeout()!);
    const refresh = one(client);
    assert.equal(refresh.readUInt16BE(0), 0x0004, 'a Refresh request');
    return refresh;
  };

  it('asks for the default 600 s explicitly when no lifetime is configured, whatever the Allocate got (a capping server caps it again)', () => {
    const refresh = firstRefresh(newClient(), 8);
    assert.deepEqual(attributes(refresh).get(ATTR.LIFETIME), [u32(600)]);
  });

  it('asks for the configured lifetime when there is one', () => {
    const client = new sansio.TurnClient({ ip: '192.0.2.1', port: 3478, transport: 'udp', username: 'user', credential: 'pass', seed: 1, lifetimeSeconds: 1200 });
    const refresh = firstRefresh(client, 8);
    assert.deepEqual(attributes(refresh).get(ATTR.LIFETIME), [u32(1200)]);
  });
});

describe('TurnClient permissions (RFC 8656 section 10)', () => {
  const allocated = (): { client: RawSansIoTurnClient; key: Buffer } => {
    const client = newClient();
    client.start(0);
    client.handleDatagram(0, challenge(one(client), 401, 'n'));
    const request = one(client);
    const key = createHash('md5').update('user:example.org:pass').digest();
    client.handleDatagram(0, respond(request, 'success', allocateSuccess(request), key));
    return { client, key };
  };

  it('a 403 (the server refuses the IP) is final: no CreatePermission again for that IP, and nothing is sent to it', () => {
    const { client, key } = allocated();
    assert.ok(client.createPermission(0, '127.0.0.1', 5000));
    const request = one(client);
    client.handleDatagram(0, respond(request, 'error', [{ type: ATTR.ERROR_CODE, value: errorCode(403, 'Forbidden IP') }], key));
    assert.equal(client.stats().errors, 1);
    assert.equal(client.createPermission(1000, '127.0.0.1', 5001), false, 'refused at once');
    assert.equal(client.send('127.0.0.1', 5000, Buffer.from('check')), false);
    assert.deepEqual(client.takeTransmits(), [], 'no second request, no Send indication');
  });

  it('another failure (here 500) is asked again when data needs the permission', () => {
    const { client, key } = allocated();
    assert.ok(client.createPermission(0, '198.51.100.7', 5000));
    const request = one(client);
    client.handleDatagram(0, respond(request, 'error', [{ type: ATTR.ERROR_CODE, value: errorCode(500, 'Server Error') }], key));
    assert.ok(client.createPermission(1000, '198.51.100.7', 5000));
    assert.equal(one(client).readUInt16BE(0), 0x0008, 'a CreatePermission request again');
  });
});

describe('TurnClient input checks and bounds', () => {
  it('drops and counts what is neither a response of ours, a Data indication nor ChannelData of a bound channel', () => {
    const client = newClient();
    client.start(0);
    const request = one(client);
    client.handleDatagram(1, Buffer.from([0x80, 1, 2, 3, 4, 5, 6, 7]));
    client.handleDatagram(2, sansio.turnChannelData(0x4005, Buffer.from('unbound')));
    client.handleDatagram(3, request.subarray(0, request.length - 1));
    assert.equal(client.stats().malformed, 3);
    client.handleDatagram(4, respond(Buffer.concat([request.subarray(0, 8), Buffer.alloc(12, 9)]), 'success', []));
    assert.equal(client.state(), 'allocating', 'an answer to no request of ours changes nothing');
    assert.deepEqual(client.takeEvents(), []);
  });

  it('sends nothing before the allocation; peers are capped at 64', () => {
    const client = newClient();
    client.start(0);
    one(client);
    assert.equal(client.send('198.51.100.1', 1000, Buffer.from('x')), false);
    assert.equal(client.stats().sendDropped, 1);
    for (let i = 0; i < 64; i++) assert.equal(client.createPermission(0, `198.51.100.${i + 1}`, 1000), true);
    assert.equal(client.createPermission(0, '198.51.101.1', 1000), false);
    assert.equal(client.stats().peersRefused, 1);
    assert.equal(client.takeTransmits().length, 0, 'permissions wait for the allocation');
  });
});

describe('ChannelData framing (RFC 8656 sections 12.4 and 12.5)', () => {
  it('has a 4-byte header; over a stream it is padded to a multiple of 4', () => {
    const payload = Buffer.from('hello');
    assert.deepEqual(sansio.turnChannelData(0x4001, payload), hex('4001 0005 68656c6c6f'));
    assert.deepEqual(sansio.turnChannelData(0x4001, payload, true), hex('4001 0005 68656c6c6f 000000'));
    assert.equal(sansio.turnChannelData(0x4fff, Buffer.alloc(8), true).length, 12);
    assert.throws(() => sansio.turnChannelData(0x3fff, payload), /0x4000/);
  });
});

describe('TurnStreamDeframer', () => {
  const stun = sansio.stunBuild({
    method: ALLOCATE,
    class: 'error',
    transactionId: Buffer.alloc(12, 3),
    attributes: [{ type: ATTR.ERROR_CODE, value: errorCode(401, 'Unauthorized') }, { type: ATTR.NONCE, value: Buffer.from('abc') }],
  });
  const frames = [stun, sansio.turnChannelData(0x4000, Buffer.from('odd!!'), true), sansio.turnChannelData(0x4001, Buffer.alloc(8, 7), true), stun];
  const stream = Buffer.concat(frames);

  it('splits a stream cut at every single point into the same frames', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const out = sansio.turnDeframe([stream.subarray(0, cut), stream.subarray(cut)]);
      assert.equal(out.failed, false);
      assert.deepEqual(out.frames, frames, `cut at ${cut}`);
      assert.equal(out.buffered, 0);
    }
  });

  it('splits a stream fed one byte at a time, and keeps an incomplete tail', () => {
    const bytes = [...stream].map((b) => Buffer.from([b]));
    assert.deepEqual(sansio.turnDeframe(bytes).frames, frames);
    const partial = sansio.turnDeframe([stream.subarray(0, stream.length - 5)]);
    assert.equal(partial.frames.length, 3);
    assert.equal(partial.buffered, stun.length - 5);
  });

  it('fails on bytes that start no frame (the stream lost its framing)', () => {
    assert.equal(sansio.turnDeframe([Buffer.concat([stun, hex('80 00 00 04 00000000')])]).failed, true);
    assert.equal(sansio.turnDeframe([hex('3fff 0001 ff000000')]).failed, true, 'channel number out of range');
    const out = sansio.turnDeframe([stun.subarray(0, 2), Buffer.from([0xc0, 0, 0, 0])]);
    assert.equal(out.failed, false, 'a STUN frame in progress');
  });
});
