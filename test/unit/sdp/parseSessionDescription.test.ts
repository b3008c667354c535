import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseSessionDescription } from '../../../src/sdp/parseSessionDescription.js';

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':');

/** An offer of one bundled VP8 section with the given ICE credentials. */
function offer(ufrag: string, pwd: string): string {
  return [
    'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0',
    'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0',
    `a=ice-ufrag:${ufrag}`, `a=ice-pwd:${pwd}`, `a=fingerprint:sha-256 ${FINGERPRINT}`,
    'a=setup:actpass', 'a=mid:0', 'a=sendonly', 'a=rtcp-mux', 'a=rtpmap:96 VP8/90000', '',
  ].join('\r\n');
}

describe('parseSessionDescription: ICE credentials (RFC 8839 section 5.4)', () => {
  it('keeps an all-digit ufrag and password as the text they are', () => {
    // werift makes 4-hex-digit ufrags: about one in six is all digits, which sdp-transform
    // would hand over as a number (and the native transport refuses).
    for (const [ufrag, pwd] of [['8532', '1234567890123456789012'], ['0853', '0123456789012345678901']] as const) {
      const d = parseSessionDescription(offer(ufrag, pwd));
      assert.equal(d.iceUfrag, ufrag);
      assert.equal(d.icePwd, pwd);
    }
  });

  it('reads ordinary credentials unchanged', () => {
    const d = parseSessionDescription(offer('a1B+', 'x/y+z0123456789abcdefgh'));
    assert.deepEqual([d.iceUfrag, d.icePwd], ['a1B+', 'x/y+z0123456789abcdefgh']);
  });

  it('refuses a description whose ufrag is empty', () => {
    assert.throws(() => parseSessionDescription(offer('', 'x/y+z0123456789abcdefgh')), { code: 'INVALID_SDP' });
  });
});

describe('parseSessionDescription: the MediaStream a section belongs to (RFC 8830 section 2)', () => {
  const withLines = (...lines: string[]) => offer('abcd', 'x/y+z0123456789abcdefgh').replace('a=rtpmap:96 VP8/90000\r\n', `a=rtpmap:96 VP8/90000\r\n${lines.map((l) => `${l}\r\n`).join('')}`);

  it('reads the stream id of a=msid, of a Firefox "{uuid}" id, or of the older a=ssrc msid', () => {
    assert.equal(parseSessionDescription(withLines('a=msid:stream-1 track-1')).sections[0]!.streamId, 'stream-1');
    assert.equal(parseSessionDescription(withLines('a=msid:{5c1d} {9a2e}')).sections[0]!.streamId, '{5c1d}');
    assert.equal(parseSessionDescription(withLines('a=ssrc:1 cname:x', 'a=ssrc:1 msid:old-stream old-track')).sections[0]!.streamId, 'old-stream');
  });

  it('has none without a=msid, or for "-" (a track in no stream)', () => {
    assert.equal(parseSessionDescription(withLines()).sections[0]!.streamId, undefined);
    assert.equal(parseSessionDescription(withLines('a=msid:- track-1')).sections[0]!.streamId, undefined);
  });
});

describe('parseSessionDescription: bundle-only sections (RFC 8843 section 6)', () => {
  const withAudio = (port: number, bundleOnly: boolean): string =>
    offer('abcd', 'x/y+z0123456789abcdefgh').replace('a=group:BUNDLE 0', 'a=group:BUNDLE 0 1') +
    [`m=audio ${port} UDP/TLS/RTP/SAVPF 111`, 'c=IN IP4 0.0.0.0', ...(bundleOnly ? ['a=bundle-only'] : []), 'a=mid:1', 'a=sendonly', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', ''].join('\r\n');

  it('a port-0 section marked a=bundle-only is live (webrtcbin and JSEP max-bundle offers write them)', () => {
    const d = parseSessionDescription(withAudio(0, true));
    assert.equal(d.sections[1]!.kind, 'audio');
    assert.equal(d.sections[1]!.rejected, false);
  });

  it('a port-0 section without it is rejected', () => {
    assert.equal(parseSessionDescription(withAudio(0, false)).sections[1]!.rejected, true);
  });
});
