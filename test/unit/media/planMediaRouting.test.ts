import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { codecSpec } from '../../../src/sdp/codecs.js';
import type { NegotiatedMedia } from '../../../src/sdp/negotiateMedia.js';
import type { LocalSource } from '../../../src/sdp/SessionDescription.js';
import { planMediaRouting, type RoutingParams } from '../../../src/session/media/planMediaRouting.js';

const video = (over: Partial<NegotiatedMedia> = {}): NegotiatedMedia => ({
  kind: 'video',
  mid: '0',
  codec: codecSpec('VP8'),
  payloadType: 96,
  alsoReceives: [],
  send: true,
  receive: true,
  remoteSsrcs: [1111],
  remoteRtx: [{ ssrc: 1111, rtxSsrc: 2222 }],
  feedback: ['nack', 'goog-remb'],
  rtxPayloadType: 97,
  transportCcId: 3,
  ...over,
});

const audio = (over: Partial<NegotiatedMedia> = {}): NegotiatedMedia => ({
  kind: 'audio',
  mid: '1',
  codec: codecSpec('OPUS'),
  payloadType: 111,
  alsoReceives: [109],
  send: false,
  receive: true,
  remoteSsrcs: [3333],
  remoteRtx: [],
  feedback: [],
  ...over,
});

const none: RoutingParams<string> = { mediaPort: undefined, rtcpPort: undefined, payloadType: undefined, bandwidthKbps: undefined };
const sources = new Map<'video' | 'audio', LocalSource>([
  ['video', { ssrc: 10, rtxSsrc: 11, cname: 'gateway-abc', streamId: 'gateway-abc', trackId: 'video-1' }],
  ['audio', { ssrc: 20, rtxSsrc: 21, cname: 'gateway-abc', streamId: 'gateway-abc', trackId: 'audio-1' }],
]);

describe('planMediaRouting (pure: ports are plain values here)', () => {
  it('sends video from its media port with NACK and RTX, feeds its RTCP port, and routes what the remote sends', () => {
    const plan = planMediaRouting({
      media: [video(), audio()],
      params: { video: { mediaPort: 'vi-port', rtcpPort: 'rc-port', payloadType: 100, bandwidthKbps: 500 }, audio: none },
      redirects: { video: { rtp: { address: '127.0.0.1', port: 5000 }, rtcp: { address: '127.0.0.1', port: 5001 } }, audio: { rtp: { address: '::1', port: 6000 } } },
      sources,
      cname: 'gateway-abc',
    });
    assert.deepEqual(plan.outbound, [
      { media: 'video', stream: { ssrc: 10, payloadType: 96, inputPayloadType: 100, clockRate: 90000, nack: true, rtxSsrc: 11, rtxPayloadType: 97 } },
    ]);
    assert.deepEqual(plan.attachments, [
      { port: 'vi-port', media: 'video', kind: 'rtp', field: 'video_params.media_id' },
      { port: 'rc-port', media: 'video', kind: 'rtcp', field: 'video_params.rtcp_id' },
    ]);
    assert.deepEqual(plan.redirects, [
      { kind: 'rtp', media: 'video', to: { ip: '127.0.0.1', port: 5000 } },
      { kind: 'rtcp', media: 'video', to: { ip: '127.0.0.1', port: 5001 } },
      { kind: 'rtp', media: 'audio', to: { ip: '::1', port: 6000 } },
    ]);
    assert.deepEqual(plan.inbound, {
      routes: [
        { payloadType: 96, media: 'video', clockRate: 90000, redirectPayloadType: 100 },
        { payloadType: 97, media: 'video', rtxFor: 96 },
        { payloadType: 111, media: 'audio', clockRate: 48000 },
        { payloadType: 109, media: 'audio', clockRate: 48000 },
      ],
      remoteSsrcs: [
        { ssrc: 1111, media: 'video' },
        { ssrc: 3333, media: 'audio' },
      ],
      remoteRtx: [{ ssrc: 1111, rtxSsrc: 2222 }],
      // REMB at band_width (500 kbps), transport-cc with the remote's extension id.
      feedback: { nack: true, transportCcId: 3, rembBps: 500_000, cname: 'gateway-abc' },
    });
  });

  it('a stream not received gets no routes and no RTP redirect; one not sent gets no outbound stream nor media port', () => {
    const plan = planMediaRouting({
      media: [video({ receive: false, feedback: [] }), audio({ receive: false, send: false })],
      params: { video: { ...none, mediaPort: 'vi' }, audio: { ...none, mediaPort: 'au', rtcpPort: 'rc' } },
      redirects: { video: { rtp: { address: '127.0.0.1', port: 5000 } } },
      sources,
      cname: 'x',
    });
    assert.deepEqual(plan.outbound, [{ media: 'video', stream: { ssrc: 10, payloadType: 96, clockRate: 90000, nack: false } }]);
    assert.deepEqual(plan.attachments.map((a) => `${a.port}:${a.kind}`), ['vi:rtp'], 'an audio stream that flows neither way takes no RTCP either');
    assert.deepEqual(plan.redirects, []);
    assert.deepEqual(plan.inbound, { routes: [], remoteSsrcs: [], remoteRtx: [], feedback: { cname: 'x' } });
  });

  it('a receive-only stream still feeds the user RTCP port (reports and keyframe requests of the receiver)', () => {
    const plan = planMediaRouting({
      media: [video({ send: false })],
      params: { video: { ...none, rtcpPort: 'rc' }, audio: none },
      redirects: {},
      sources,
      cname: 'x',
    });
    assert.deepEqual(plan.attachments, [{ port: 'rc', media: 'video', kind: 'rtcp', field: 'video_params.rtcp_id' }]);
    assert.equal(plan.outbound.length, 0);
  });
});
