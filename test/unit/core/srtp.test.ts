import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadTestAddon, type RawSrtpSession } from '../../helpers/native/testAddon.js';
import { rtpPacket } from '../../support/rtpPackets.js';

const { sansio } = loadTestAddon();
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ok = (r: Buffer | { error: string }): Buffer => {
  if (!Buffer.isBuffer(r)) throw new Error(`SRTP operation failed: ${r.error}`);
  return r;
};

// RFC 3711 appendix B.3 (key derivation) and the AES_CM_128_HMAC_SHA1_80 packet that libsrtp's
// test driver protects with the same master key.
const MASTER_KEY = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
const MASTER_SALT = hex('0EC675AD498AFEEBB6960B3AABE6');
// RFC 7714 sections 16 and 17: AEAD_AES_128_GCM with session keys given directly.
const GCM_KEY = hex('000102030405060708090a0b0c0d0e0f');
const GCM_SALT = hex('517569642070726f2071756f'); // "Quid pro quo"
const GCM_RTP = hex(`8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070 61727465 73207472 6573`);
const GCM_SRTP = hex(`8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833
  899d7f27 beb16a91 52cf765e e4390cce`);
const GCM_RTCP = hex(`81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef`);
const GCM_SRTCP = hex(`81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b
  c84aa458 96cf4d2f c5abf872 45d9eade 800005d4`);

function gcmSession(direction: 'outbound' | 'inbound'): RawSrtpSession {
  const keys = { key: GCM_KEY, salt: GCM_SALT };
  return new sansio.SrtpSession({ profile: 'AEAD_AES_128_GCM', direction, sessionKeys: { rtp: keys, rtcp: keys } });
}

function rtp(ssrc: number, seq: number, payload = Buffer.alloc(160, 0xab)): Buffer {
  return rtpPacket({ payloadType: 96, seq, timestamp: seq * 3000, ssrc, payload });
}

describe('SRTP key derivation (RFC 3711 section 4.3)', () => {
  it('derives the session keys of appendix B.3', () => {
    assert.equal(sansio.deriveSrtpKey(MASTER_KEY, MASTER_SALT, 0, 16).toString('hex'), 'c61e7a93744f39ee10734afe3ff7a087');
    assert.equal(sansio.deriveSrtpKey(MASTER_KEY, MASTER_SALT, 1, 20).toString('hex'), 'cebe321f6ff7716b6fd4ab49af256a156d38baa4');
    assert.equal(sansio.deriveSrtpKey(MASTER_KEY, MASTER_SALT, 2, 14).toString('hex'), '30cbbc08863d8c85d49db34a9ae1');
  });

  it('derives an AEAD salt from a 12-byte master salt padded as RFC 7714 section 11 says', () => {
    const key = Buffer.from(Array.from({ length: 16 }, (_, i) => i));
    const salt = Buffer.from(Array.from({ length: 12 }, (_, i) => 0x40 + i));
    // The value libsrtp and other implementations derive for this master key and salt.
    assert.equal(sansio.deriveSrtpKey(key, salt, 2, 12).toString('hex'), '1fcd5d561e66dc49ec1c3ccb');
  });
});

describe('AES_CM_128_HMAC_SHA1_80 (RFC 3711)', () => {
  it('produces the AES-CM keystream of appendix B.2', () => {
    const keys = { key: hex('2B7E151628AED2A6ABF7158809CF4F3C'), salt: hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), auth: Buffer.alloc(20) };
    const session = new sansio.SrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', direction: 'outbound', sessionKeys: { rtp: keys, rtcp: keys } });
    // SSRC 0, sequence 0, rollover 0: a zero payload encrypts to the keystream itself.
    const packet = Buffer.concat([Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(48)]);
    const out = ok(session.protectRtp(packet));
    assert.equal(out.subarray(12, 60).toString('hex'), 'e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab41e95b3bb0a2e8dd477901e4fca894c0');
  });

  it('protects the known packet from the master key of appendix B.3, and unprotects it', () => {
    const plain = hex('800f1234decafbadcafebabeabababababababababababababababab');
    const expected = hex('800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb');
    const out = new sansio.SrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', direction: 'outbound', masterKey: MASTER_KEY, masterSalt: MASTER_SALT });
    assert.deepEqual(ok(out.protectRtp(plain)), expected);
    const inbound = new sansio.SrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', direction: 'inbound', masterKey: MASTER_KEY, masterSalt: MASTER_SALT });
    assert.deepEqual(ok(inbound.unprotectRtp(expected)), plain);
  });
});

describe('AEAD_AES_128_GCM (RFC 7714)', () => {
  it('section 16.1: encrypts and authenticates the RTP packet', () => {
    assert.deepEqual(ok(gcmSession('outbound').protectRtp(GCM_RTP)), GCM_SRTP);
    assert.deepEqual(ok(gcmSession('inbound').unprotectRtp(GCM_SRTP)), GCM_RTP);
  });

  it('section 17.1: encrypts and authenticates the RTCP packet with SRTCP index 0x5d4', () => {
    const out = gcmSession('outbound');
    out.setSrtcpIndex(0x4d617273, 0x5d4);
    assert.deepEqual(ok(out.protectRtcp(GCM_RTCP)), GCM_SRTCP);
    assert.deepEqual(ok(gcmSession('inbound').unprotectRtcp(GCM_SRTCP)), GCM_RTCP);
  });

  it('rejects a packet with any byte changed', () => {
    for (let i = 0; i < GCM_SRTP.length; i++) {
      const tampered = Buffer.from(GCM_SRTP);
      tampered[i]! ^= 0x80;
      const r = gcmSession('inbound').unprotectRtp(tampered);
      assert.ok(!Buffer.isBuffer(r), `a change at byte ${i} was accepted`);
    }
  });
});

for (const profile of ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'] as const) {
  describe(`${profile} session behaviour`, () => {
    const saltLength = profile === 'AEAD_AES_128_GCM' ? 12 : 14;
    const pair = () => {
      const masterKey = Buffer.alloc(16, 0x11);
      const masterSalt = Buffer.alloc(saltLength, 0x22);
      return {
        out: new sansio.SrtpSession({ profile, direction: 'outbound', masterKey, masterSalt }),
        inb: new sansio.SrtpSession({ profile, direction: 'inbound', masterKey, masterSalt }),
      };
    };

    it('round-trips RTP and RTCP, keeping sequence numbers across the 16-bit wrap (rollover counter)', () => {
      const { out, inb } = pair();
      for (let seq = 65530; seq < 65550; seq++) {
        const packet = rtp(0x11223344, seq);
        assert.deepEqual(ok(inb.unprotectRtp(ok(out.protectRtp(packet)))), packet, `seq ${seq & 0xffff}`);
      }
      const rr = Buffer.from('81c90007112233440000000000000000000000000000000000000000000000', 'hex');
      const rtcp = Buffer.concat([rr, Buffer.alloc(1)]);
      assert.deepEqual(ok(inb.unprotectRtcp(ok(out.protectRtcp(rtcp)))), rtcp);
    });

    it('rejects replays and accepts late packets within the window', () => {
      const { out, inb } = pair();
      const protectedPackets = Array.from({ length: 10 }, (_, i) => ok(out.protectRtp(rtp(7, 100 + i))));
      ok(inb.unprotectRtp(protectedPackets[9]!));
      ok(inb.unprotectRtp(protectedPackets[3]!)); // late but new
      assert.deepEqual(inb.unprotectRtp(protectedPackets[3]!), { error: 'replayed' });
      assert.deepEqual(inb.unprotectRtp(protectedPackets[9]!), { error: 'replayed' });
      const rtcp = Buffer.from('80c9000100000007', 'hex');
      const srtcp = ok(out.protectRtcp(rtcp));
      ok(inb.unprotectRtcp(srtcp));
      assert.deepEqual(inb.unprotectRtcp(srtcp), { error: 'replayed' });
    });

    it('rejects a packet from another key, and malformed input, without side effects', () => {
      const { inb } = pair();
      const stranger = new sansio.SrtpSession({ profile, direction: 'outbound', masterKey: Buffer.alloc(16, 0x99), masterSalt: Buffer.alloc(saltLength, 0x22) });
      assert.deepEqual(inb.unprotectRtp(ok(stranger.protectRtp(rtp(7, 1)))), { error: 'auth-failed' });
      for (const junk of [Buffer.alloc(0), Buffer.alloc(5), Buffer.from('40' + '00'.repeat(40), 'hex'), Buffer.from('8f' + '00'.repeat(25), 'hex')]) {
        const r = inb.unprotectRtp(junk);
        assert.ok(!Buffer.isBuffer(r));
      }
      // The genuine stream still works after the garbage.
      const { out } = pair();
      assert.ok(Buffer.isBuffer(inb.unprotectRtp(ok(out.protectRtp(rtp(7, 2))))));
    });

    it('keeps separate rollover counters per SSRC', () => {
      const { out, inb } = pair();
      out.setRolloverCounter(1, 5);
      inb.setRolloverCounter(1, 5);
      assert.ok(Buffer.isBuffer(inb.unprotectRtp(ok(out.protectRtp(rtp(1, 10))))));
      assert.ok(Buffer.isBuffer(inb.unprotectRtp(ok(out.protectRtp(rtp(2, 10))))));
    });
  });
}
