import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import wrtc from '@roamhq/wrtc';

import { parseDataDescription, writeDataAnswer, writeDataOffer } from '../../src/sdp/dataChannelDescription.js';

const { RTCPeerConnection } = wrtc;

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => ((i * 7) & 0xff).toString(16).padStart(2, '0').toUpperCase()).join(':');
const LOCAL = {
  ufrag: 'gw01',
  password: 'abcdefghijklmnopqrstuv',
  fingerprint: FINGERPRINT,
  candidates: [{ foundation: '1', component: 1, priority: 2130706431, ip: '127.0.0.1', port: 40000, type: 'host' as const }],
};

// libwebrtc (@roamhq/wrtc) as the judge of our data descriptions: it must take them as they are.
describe('the gateway data descriptions, as libwebrtc reads them', () => {
  const pcs: InstanceType<typeof RTCPeerConnection>[] = [];
  after(() => pcs.forEach((pc) => pc.close()));

  it('libwebrtc answers our offer with one active data section under mid 0', async () => {
    const pc = new RTCPeerConnection();
    pcs.push(pc);
    await pc.setRemoteDescription({ type: 'offer', sdp: writeDataOffer(LOCAL, '1') });
    const answer = await pc.createAnswer();
    const parsed = parseDataDescription(answer.sdp!);
    assert.deepEqual([parsed.mid, parsed.remote.setup, parsed.sctpPort, parsed.maxMessageSize], ['0', 'active', 5000, 262144]);
  });

  it("libwebrtc takes our answer to its offer of a channel", async () => {
    const pc = new RTCPeerConnection();
    pcs.push(pc);
    pc.createDataChannel('dc_x', { ordered: false, maxRetransmits: 2 });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await pc.setRemoteDescription({ type: 'answer', sdp: writeDataAnswer(parseDataDescription(offer.sdp!), 'passive', LOCAL, '2') });
    assert.equal(pc.signalingState, 'stable');
    assert.equal(pc.remoteDescription?.sdp.includes('a=setup:passive'), true);
  });
});
