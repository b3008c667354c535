import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { acceptAnswer, planAnswer, planOffer, type MediaIntent } from '../../../src/sdp/negotiateMedia.js';
import { parseSessionDescription } from '../../../src/sdp/parseSessionDescription.js';
import { SdpError } from '../../../src/sdp/SdpError.js';
import { writeSessionDescription } from '../../../src/sdp/writeSessionDescription.js';

/** The shape of a Chromium offer for a peerjs 1.5 call: video, audio, and peerjs's DataChannel. */
const BROWSER_OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1 2',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 127',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=fingerprint:sha-256 AA:BB:CC',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack pli',
  'a=rtcp-fb:96 transport-cc',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f',
  'a=rtpmap:103 H264/90000',
  'a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f',
  'a=rtpmap:127 H264/90000',
  'a=rtcp-fb:127 nack pli',
  'a=rtcp-fb:127 goog-remb',
  'a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  'a=ssrc:1111 cname:x',
  'a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:0 PCMU/8000',
  'a=ssrc:2222 cname:x',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=mid:2',
  'a=sctp-port:5000',
  '',
].join('\r\n');

const ALL = { nack: true, bandwidthFeedback: true } as const;

const intent = (o: Partial<MediaIntent> & Pick<MediaIntent, 'kind' | 'codec'>): MediaIntent => ({ send: true, receive: true, ...o });

describe('SDP offer/answer (src/sdp)', () => {
  it('reads a browser offer: credentials from the first section, codecs, SSRCs and candidates', () => {
    const remote = parseSessionDescription(BROWSER_OFFER);
    assert.equal(remote.iceUfrag, 'abcd');
    assert.deepEqual(remote.fingerprint, { algorithm: 'sha-256', hash: 'AA:BB:CC' });
    assert.deepEqual(remote.sections.map((s) => [s.kind, s.mid, s.ssrcs]), [['video', '0', [1111]], ['audio', '1', [2222]], ['application', '2', []]]);
    assert.deepEqual(remote.candidates.map((c) => `${c.ip}:${c.port}`), ['127.0.0.1:40000']);
  });

  it("answers in the remote's numbering, keeps peerjs's DataChannel section, and picks H264 packetization-mode 1 Constrained Baseline", () => {
    const remote = parseSessionDescription(BROWSER_OFFER);
    const plan = planAnswer(remote, [intent({ kind: 'video', codec: 'H264', send: false }), intent({ kind: 'audio', codec: 'OPUS' })], ALL);
    assert.deepEqual(plan.media.map((m) => [m.kind, m.payloadType, m.send, m.receive, m.remoteSsrcs]), [
      ['video', 127, false, true, [1111]],
      ['audio', 111, true, true, [2222]],
    ]);
    const sdp = writeSessionDescription({
      sessionId: '1',
      sessionVersion: 2,
      iceUfrag: 'us',
      icePwd: 'ourpasswordourpassword',
      fingerprint: 'DD:EE',
      setup: 'active',
      sections: plan.sections,
      candidates: [],
    });
    assert.match(sdp, /a=group:BUNDLE 0 1 2\r\n/);
    assert.match(sdp, /m=video 9 UDP\/TLS\/RTP\/SAVPF 127\r\n[\s\S]*a=recvonly\r\n[\s\S]*a=rtcp-fb:127 nack pli\r\n/);
    assert.doesNotMatch(sdp, /transport-cc/, 'only feedback the gateway handles is answered');
    assert.match(sdp, /m=application 9 UDP\/DTLS\/SCTP webrtc-datachannel\r\n[\s\S]*a=sctp-port:5000/);
    const again = parseSessionDescription(sdp);
    assert.deepEqual(again.sections.map((s) => s.direction), ['recvonly', 'sendrecv', 'sendrecv']);
  });

  it('says clearly when the remote lacks the codec the user asked for', () => {
    const remote = parseSessionDescription(BROWSER_OFFER);
    assert.throws(
      () => planAnswer(remote, [intent({ kind: 'video', codec: 'AV1' })], ALL),
      (e: unknown) => e instanceof SdpError && e.code === 'CODEC_UNAVAILABLE' && /no AV1 for video \(it offers VP8, RTX, H264\)/.test(e.message),
    );
  });

  it('rejects a description without ICE credentials or rtcp-mux', () => {
    assert.throws(() => parseSessionDescription(BROWSER_OFFER.replace(/a=ice-ufrag:abcd\r\n/, '')), /no ICE ufrag/);
    assert.throws(() => parseSessionDescription(BROWSER_OFFER.replace(/a=rtcp-mux\r\n/g, '')), /rtcp-mux/);
    assert.throws(() => parseSessionDescription('garbage'), SdpError);
  });

  it("offers the user's payload types when usable and unique, and reads the answer's numbering", () => {
    const offer = planOffer([
      intent({ kind: 'video', codec: 'VP8', payloadType: 100, send: true, receive: false }),
      intent({ kind: 'audio', codec: 'OPUS', payloadType: 100 }),
    ], ALL);
    assert.deepEqual(offer.map((s) => [s.kind, s.codec?.payloadType, s.direction]), [['video', 100, 'sendonly'], ['audio', 111, 'sendrecv']]);
    const answer = BROWSER_OFFER.replace('a=sendrecv', 'a=recvonly').replace('a=setup:actpass', 'a=setup:active');
    const media = acceptAnswer(parseSessionDescription(answer), offer);
    assert.deepEqual(media.map((m) => [m.kind, m.payloadType, m.alsoReceives, m.send, m.receive]), [
      ['video', 96, [100], true, false],
      ['audio', 111, [], true, true],
    ]);
  });

  it('answers NACK with RTX and transport-cc when the remote offers them, and drops each with its setting', () => {
    const offer = BROWSER_OFFER.replace('a=sendrecv', 'a=sendrecv\r\na=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01')
      .replace('a=rtcp-fb:96 nack pli', 'a=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 goog-remb')
      .replace('a=ssrc:1111 cname:x', 'a=ssrc-group:FID 1111 1112\r\na=ssrc:1111 cname:x\r\na=ssrc:1112 cname:x');
    const remote = parseSessionDescription(offer);
    const source = { ssrc: 10, rtxSsrc: 11, cname: 'c', streamId: 's', trackId: 't' };
    const plan = planAnswer(remote, [intent({ kind: 'video', codec: 'VP8', source })], ALL);
    const video = plan.media[0]!;
    assert.deepEqual([video.feedback, video.rtxPayloadType, video.transportCcId, video.remoteRtx], [
      ['goog-remb', 'transport-cc', 'nack', 'nack pli'],
      97,
      5,
      [{ ssrc: 1111, rtxSsrc: 1112 }],
    ]);
    const sdp = writeSessionDescription({
      sessionId: '1', sessionVersion: 2, iceUfrag: 'u', icePwd: 'p'.repeat(22), fingerprint: 'AA', setup: 'active', sections: plan.sections, candidates: [],
    });
    for (const line of ['m=video 9 UDP/TLS/RTP/SAVPF 96 97', 'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96', 'a=ssrc-group:FID 10 11', 'a=ssrc:11 cname:c',
      'a=extmap:5 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', 'a=rtcp-fb:96 transport-cc']) {
      assert.ok(sdp.includes(`${line}\r\n`), line);
    }

    const bare = planAnswer(remote, [intent({ kind: 'video', codec: 'VP8', source })], { nack: false, bandwidthFeedback: false }).media[0]!;
    assert.deepEqual([bare.feedback, bare.rtxPayloadType, bare.transportCcId], [['nack pli'], undefined, undefined]);
  });

  it('offers RTX and transport-cc, and reads what the answer kept', () => {
    const offer = planOffer([intent({ kind: 'video', codec: 'VP8', payloadType: 97 }), intent({ kind: 'audio', codec: 'OPUS', payloadType: 98 })], ALL);
    const video = offer[0]!;
    assert.equal(video.codec?.payloadType, 97);
    assert.ok(video.rtxPayloadType !== undefined && ![97, 98].includes(video.rtxPayloadType), `RTX ${video.rtxPayloadType} clear of the user's types`);
    assert.equal(offer[1]?.codec?.payloadType, 98);
    assert.deepEqual(video.extensions, [{ id: 3, uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01' }]);
    const answer = BROWSER_OFFER.replace('a=setup:actpass', 'a=setup:active')
      .replace('a=sendrecv', 'a=sendrecv\r\na=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01')
      .replace('a=rtpmap:96 VP8/90000', 'a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack')
      .replace('a=fmtp:97 apt=96', 'a=fmtp:97 apt=96');
    const [media] = acceptAnswer(parseSessionDescription(answer), offer);
    assert.deepEqual([media?.payloadType, media?.feedback, media?.rtxPayloadType, media?.transportCcId], [96, ['transport-cc', 'nack', 'nack pli'], 97, 3]);
  });
});
