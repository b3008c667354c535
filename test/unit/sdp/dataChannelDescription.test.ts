import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import {
  DEFAULT_MAX_MESSAGE_SIZE,
  LOCAL_MAX_MESSAGE_SIZE,
  parseDataDescription,
  writeDataAnswer,
  writeDataOffer,
} from '../../../src/sdp/dataChannelDescription.js';
import { parseSessionDescription } from '../../../src/sdp/parseSessionDescription.js';

/** Real descriptions: @roamhq/wrtc (libwebrtc M106) and headless Chromium 156, createOffer on a pc with one channel. */
const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/sdp/${name}.sdp`, import.meta.url), 'utf8');
const WRTC_OFFER = fixture('libwebrtc-m106-data-offer');
const WRTC_ANSWER = fixture('libwebrtc-m106-data-answer');
const CHROMIUM_OFFER = fixture('chromium-156-data-offer');
const CHROMIUM_ANSWER = fixture('chromium-156-data-answer');

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':');
const LOCAL = {
  ufrag: 'gw01',
  password: 'abcdefghijklmnopqrstuv',
  fingerprint: FINGERPRINT,
  candidates: [{ foundation: '1', component: 1, priority: 2130706431, ip: '127.0.0.1', port: 40000, type: 'host' as const }],
};

/** A minimal data offer with `extra` lines in its data section. */
function dataOffer(...extra: string[]): string {
  return [
    'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0',
    'a=ice-ufrag:abcd', 'a=ice-pwd:x/y+z0123456789abcdefgh', `a=fingerprint:sha-256 ${FINGERPRINT}`,
    'a=setup:actpass', 'a=mid:0', ...extra, '',
  ].join('\r\n');
}

describe('parseDataDescription (RFC 8841)', () => {
  it("reads libwebrtc's offer: ICE, DTLS, sctp-port and max-message-size, UDP candidates only", () => {
    const d = parseDataDescription(WRTC_OFFER);
    assert.equal(d.remote.iceUfrag, 'k4A5');
    assert.equal(d.remote.icePwd, 'b+WT167BXm8FKH87exPLgkm+');
    assert.equal(d.remote.fingerprint.algorithm, 'sha-256');
    assert.match(d.remote.fingerprint.hash, /^63:6B:CB:DF/);
    assert.equal(d.remote.setup, 'actpass');
    assert.deepEqual([d.mid, d.index, d.sctpPort, d.maxMessageSize], ['0', 0, 5000, 262144]);
    // 4 UDP host candidates; the 8 TCP ones are of no use to the native transport.
    assert.deepEqual(d.remote.candidates.map((c) => `${c.ip}:${c.port}`), ['fd00::2:34493', '192.0.2.2:52361', '::1:47697', '127.0.0.1:59917']);
  });

  it("reads libwebrtc's and Chromium's answers: setup active", () => {
    for (const sdp of [WRTC_ANSWER, CHROMIUM_ANSWER]) {
      const d = parseDataDescription(sdp);
      assert.equal(d.remote.setup, 'active');
      assert.equal(d.maxMessageSize, 262144);
    }
  });

  it("reads Chromium's offer; its mDNS host candidates are skipped (the gateway does not resolve .local names)", () => {
    const d = parseDataDescription(CHROMIUM_OFFER);
    assert.equal(d.remote.iceUfrag, 'sHKo');
    assert.equal(d.remote.setup, 'actpass');
    assert.deepEqual(d.remote.candidates, []);
  });

  it('takes an absent a=max-message-size as 65536 and keeps 0 as "no limit" (section 6.1)', () => {
    assert.equal(DEFAULT_MAX_MESSAGE_SIZE, 65536);
    assert.equal(parseDataDescription(dataOffer()).maxMessageSize, 65536);
    assert.equal(parseDataDescription(dataOffer('a=max-message-size:0')).maxMessageSize, 0);
    assert.equal(parseDataDescription(dataOffer('a=max-message-size:1200')).maxMessageSize, 1200);
  });

  it('finds the data section behind an audio section, with its own mid and index', () => {
    const sdp = dataOffer('a=sctp-port:5000').replace(
      'm=application',
      ['m=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=mid:a', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', 'm=application'].join('\r\n'),
    ).replace('a=mid:0', 'a=mid:data');
    const d = parseDataDescription(sdp);
    assert.deepEqual([d.mid, d.index], ['data', 1]);
  });

  it('refuses a description without a DataChannel section', () => {
    const video = dataOffer().replace('m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'm=video 9 UDP/TLS/RTP/SAVPF 96') + 'a=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n';
    assert.throws(() => parseDataDescription(video), { code: 'INVALID_SDP', message: /no DataChannel/ });
    assert.throws(() => parseDataDescription(dataOffer().replace('m=application 9', 'm=application 0')), { code: 'INVALID_SDP' });
  });

  it('refuses an SCTP port the native association does not use', () => {
    assert.throws(() => parseDataDescription(dataOffer('a=sctp-port:5001')), { code: 'INVALID_SDP', message: /sctp-port:5001/ });
  });

  it('reads the pre-RFC sctpmap form (m=application ... DTLS/SCTP 5000)', () => {
    const old = dataOffer('a=sctpmap:5000 webrtc-datachannel 1024').replace('UDP/DTLS/SCTP webrtc-datachannel', 'DTLS/SCTP 5000');
    assert.equal(parseDataDescription(old).sctpPort, 5000);
  });
});

describe('writeDataOffer / writeDataAnswer', () => {
  it('writes an offer like a browser: one BUNDLEd data section, actpass, sctp-port and max-message-size, our candidates', () => {
    const sdp = writeDataOffer(LOCAL, '42');
    const lines = sdp.split('\r\n');
    for (const line of [
      'a=group:BUNDLE 0',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'a=ice-ufrag:gw01',
      'a=ice-pwd:abcdefghijklmnopqrstuv',
      `a=fingerprint:sha-256 ${FINGERPRINT}`,
      'a=setup:actpass',
      'a=mid:0',
      'a=sctp-port:5000',
      `a=max-message-size:${LOCAL_MAX_MESSAGE_SIZE}`,
      'a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host',
    ]) assert.ok(lines.includes(line), `${line} in\n${sdp}`);
    assert.equal(lines.filter((l) => l.startsWith('m=')).length, 1);
    assert.ok(sdp.endsWith('\r\n'));
    // And reads back as what it says.
    const back = parseDataDescription(sdp);
    assert.deepEqual([back.remote.iceUfrag, back.remote.setup, back.maxMessageSize, back.remote.candidates.length], ['gw01', 'actpass', 262144, 1]);
  });

  it("answers libwebrtc's and Chromium's offers under their mid with the setup asked for", () => {
    for (const offer of [WRTC_OFFER, CHROMIUM_OFFER]) {
      const remote = parseDataDescription(offer);
      const answer = parseDataDescription(writeDataAnswer(remote, 'active', LOCAL, '7'));
      assert.deepEqual([answer.mid, answer.remote.setup, answer.sctpPort, answer.maxMessageSize], [remote.mid, 'active', 5000, 262144]);
    }
  });

  it('rejects every other m= line of the offer (port 0) and BUNDLEs the data section alone', () => {
    const offer = dataOffer().replace(
      'm=application',
      ['m=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=mid:a', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', 'm=application'].join('\r\n'),
    ).replace('a=mid:0', 'a=mid:d');
    const sdp = writeDataAnswer(parseDataDescription(offer), 'passive', LOCAL, '7');
    const parsed = parseSessionDescription(sdp);
    assert.deepEqual(parsed.sections.map((s) => [s.kind, s.mid, s.rejected]), [['audio', 'a', true], ['application', 'd', false]]);
    assert.match(sdp, /^m=audio 0 UDP\/TLS\/RTP\/SAVPF 111\r$/m);
    assert.match(sdp, /^a=group:BUNDLE d\r$/m);
    assert.match(sdp, /^a=setup:passive\r$/m);
  });
});
