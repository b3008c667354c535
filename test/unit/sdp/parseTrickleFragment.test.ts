import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseTrickleFragment } from '../../../src/sdp/parseTrickleFragment.js';
import { SdpError } from '../../../src/sdp/SdpError.js';

/** As RFC 8840 section 4.4 and RFC 9725 section 4.3.1 show one: credentials, then the tagged m= section. */
const FRAGMENT = [
  'a=ice-ufrag:EsAw',
  'a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1',
  'm=audio 9 RTP/AVP 0',
  'a=mid:0',
  'a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1',
  'a=candidate:3471623853 1 udp 2122194687 198.51.100.2 61765 typ host generation 0 ufrag EsAw network-id 2',
  'a=candidate:473322822 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active generation 0 ufrag EsAw network-id 1',
  'a=end-of-candidates',
  '',
].join('\r\n');

describe('parseTrickleFragment (RFC 8840 section 9)', () => {
  it('reads the credentials, each candidate with its a=mid, and end-of-candidates', () => {
    const f = parseTrickleFragment(FRAGMENT);
    assert.equal(f.ufrag, 'EsAw');
    assert.equal(f.pwd, 'P2uYro0UCOQ4zxjKXaWCBui1');
    assert.equal(f.endOfCandidates, true);
    assert.equal(f.candidates.length, 3);
    assert.deepEqual(f.candidates[0]!.section, { sdpMid: '0' });
    assert.equal(f.candidates[0]!.candidate?.ip, '192.0.2.1');
    assert.equal(f.candidates[0]!.candidate?.port, 61764);
    assert.equal(f.candidates[1]!.candidate?.ip, '198.51.100.2');
    // TCP is listed but not usable by the gateway's UDP-only ICE.
    assert.equal(f.candidates[2]!.candidate, undefined);
    assert.match(f.candidates[2]!.line, /^candidate:473322822 /);
  });

  it('keeps an all-digit ufrag as written and takes the mid even when it follows the candidates', () => {
    const f = parseTrickleFragment('a=ice-ufrag:0123\na=ice-pwd:00000000000000000000000\nm=video 9 UDP/TLS/RTP/SAVPF 96\na=candidate:1 1 UDP 100 127.0.0.1 5000 typ host\na=mid:video0\n');
    assert.equal(f.ufrag, '0123');
    assert.equal(f.pwd, '00000000000000000000000');
    assert.deepEqual(f.candidates[0]!.section, { sdpMid: 'video0' });
    assert.equal(f.endOfCandidates, false);
  });

  it('a fragment of only end-of-candidates (RFC 8840 section 8.2) has no candidates and no credentials', () => {
    const f = parseTrickleFragment('a=end-of-candidates\r\n');
    assert.deepEqual(f, { ufrag: undefined, pwd: undefined, candidates: [], endOfCandidates: true });
  });

  it('candidates before any m= line name no section (they are taken as on the BUNDLE transport)', () => {
    const f = parseTrickleFragment('a=candidate:1 1 UDP 100 127.0.0.1 5000 typ host\n');
    assert.deepEqual(f.candidates[0]!.section, {});
    assert.equal(f.candidates[0]!.candidate?.port, 5000);
  });

  it('text that is not SDP is refused with INVALID_SDP', () => {
    assert.throws(() => parseTrickleFragment('{"candidate": "x"}'), (e: unknown) => e instanceof SdpError && e.code === 'INVALID_SDP');
  });
});
