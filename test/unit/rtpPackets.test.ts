import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseRtcp } from '../helpers/rtcp.js';
import { pictureLossIndication, receiverReport, rtcpPacket, rtpPacket, senderReport } from '../support/rtpPackets.js';

// The builders every test and bench sends through the gateway: their bytes, checked by hand
// against RFC 3550 section 5.1 / 6.4 and RFC 8285 section 4.2.
describe('test-support RTP and RTCP builders', () => {
  it('writes the RTP fixed header, CSRCs, a one-byte extension and padding', () => {
    const p = rtpPacket({
      payloadType: 96, marker: true, seq: 0x1_0002, timestamp: 2 ** 32 + 7, ssrc: 0xdeadbeef,
      csrcs: [0x01020304], extensions: [{ id: 3, data: Buffer.from([0xaa, 0xbb]) }], payload: Buffer.from('hi'), padding: 2,
    });
    assert.equal(
      p.toString('hex'),
      'b1' + 'e0' + '0002' + '00000007' + 'deadbeef' + '01020304' + 'bede0001' + '31aabb00' + '6869' + '0002',
    );
  });

  it('writes a bare RTP packet as 12 header bytes then the payload', () => {
    assert.equal(rtpPacket({ payloadType: 111, seq: 1, timestamp: 2, ssrc: 3, payload: Buffer.from([9]) }).toString('hex'), '806f00010000000200000003' + '09');
  });

  it('writes RTCP packets a parser reads back', () => {
    const compound = Buffer.concat([senderReport(0x11, 90000), receiverReport(0x22, [0x33, 0x44]), pictureLossIndication(0x55, 0x66)]);
    const [sr, rr, pli] = parseRtcp(compound)!;
    assert.deepEqual([sr!.type, sr!.senderSsrc, sr!.rtpTimestamp, sr!.packetCount, sr!.size], [200, 0x11, 90000, 10, 28]);
    assert.deepEqual([rr!.type, rr!.count, rr!.senderSsrc, rr!.reportedSsrcs, rr!.size], [201, 2, 0x22, [0x33, 0x44], 56]);
    assert.deepEqual([pli!.type, pli!.count, pli!.senderSsrc, pli!.mediaSsrc, pli!.size], [206, 1, 0x55, 0x66, 12]);
    assert.throws(() => rtcpPacket(204, 0, 1, Buffer.alloc(3)), /whole 32-bit words/);
  });
});
