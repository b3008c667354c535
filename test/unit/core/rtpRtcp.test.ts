import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadTestAddon } from '../../helpers/native/testAddon.js';

const { sansio } = loadTestAddon();
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('RTP header parsing (RFC 3550 section 5.1, RFC 8285)', () => {
  it('reads the fixed header', () => {
    const h = sansio.rtpParse(hex('80e01234 00000064 deadbeef 0102'));
    assert.deepEqual(
      { pt: h?.['payloadType'], m: h?.['marker'], seq: h?.['sequenceNumber'], ts: h?.['timestamp'], ssrc: h?.['ssrc'], header: h?.['headerLength'], payload: h?.['payloadLength'] },
      { pt: 96, m: true, seq: 0x1234, ts: 100, ssrc: 0xdeadbeef, header: 12, payload: 2 },
    );
  });

  it('skips CSRCs and a one-byte-header extension, and removes padding', () => {
    // V=2 P=1 X=1 CC=2; extension 0xBEDE with one word; 3 bytes of payload + 3 of padding.
    const packet = hex('b2 60 0001 00000001 00000002 aaaaaaaa bbbbbbbb bede0001 10ff0000 616263 000003');
    const h = sansio.rtpParse(packet);
    assert.equal(h?.['csrcCount'], 2);
    assert.equal(h?.['extensionProfile'], 0xbede);
    assert.equal(h?.['extensionLength'], 4);
    assert.equal(h?.['headerLength'], 12 + 8 + 8);
    assert.equal(h?.['paddingLength'], 3);
    assert.equal(h?.['payloadLength'], 3);
  });

  it('rejects what is not well-formed RTP', () => {
    const bad: [string, Buffer][] = [
      ['too short', hex('8060 0001 0000')],
      ['version 1', hex('40600001 00000001 00000002')],
      ['CSRCs past the end', hex('8f600001 00000001 00000002 00000003')],
      ['an extension header past the end', hex('90600001 00000001 00000002 bede')],
      ['an extension longer than the packet', hex('90600001 00000001 00000002 bede0009 00000000')],
      ['padding longer than the payload', hex('a0600001 00000001 00000002 61 09')],
      ['padding count of zero', hex('a0600001 00000001 00000002 6100')],
    ];
    for (const [what, packet] of bad) assert.equal(sansio.rtpParse(packet), null, what);
  });
});

describe('compound RTCP (RFC 3550 section 6.1)', () => {
  it('walks a sender report followed by SDES', () => {
    const packets = sansio.rtcpParse(hex('80c80006 00000001 00000000 00000000 00000000 00000000 00000000 81ca0003 00000001 01046e616d650000'));
    assert.deepEqual(packets?.map((p) => [p.type, p.size, p.senderSsrc]), [
      [200, 28, 1],
      [202, 16, 1],
    ]);
  });

  it('rejects truncated packets, lengths past the end and non-RTCP types', () => {
    assert.equal(sansio.rtcpParse(hex('80c90007 00000001')), null, 'length past the end');
    assert.equal(sansio.rtcpParse(hex('80c900')), null, 'shorter than a header');
    assert.equal(sansio.rtcpParse(hex('80600001 00000001')), null, 'an RTP payload type');
    assert.equal(sansio.rtcpParse(hex('40c90001 00000001')), null, 'version 1');
    assert.equal(sansio.rtcpParse(hex('80c90001 00000001 80c9')), null, 'trailing bytes');
  });
});
