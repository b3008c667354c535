import sdpTransform from 'sdp-transform';

import type { RawCandidate, RawLocalParameters } from '../../src/native/addon.js';
import { candidateFromSdpTransform as fromSdpTransform, parseCandidateLine } from '../../src/sdp/candidateSdp.js';

/**
 * Just enough SDP for one BUNDLEd video m-line, so the native transport can face a libwebrtc
 * peer before the gateway has its real offer/answer code. Tests only.
 */
export interface TinySdpOptions {
  local: RawLocalParameters;
  setup: 'actpass' | 'active' | 'passive';
  direction: 'sendonly' | 'recvonly' | 'sendrecv';
  mid: string;
  payloadType: number;
  /** Our outgoing stream, when sending. */
  ssrc?: number;
}

export function tinyVideoSdp(o: TinySdpOptions): string {
  const lines = [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${o.mid}`,
    'a=msid-semantic: WMS gateway',
    `m=video 9 UDP/TLS/RTP/SAVPF ${o.payloadType}`,
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${o.local.ufrag}`,
    `a=ice-pwd:${o.local.password}`,
    `a=fingerprint:sha-256 ${o.local.fingerprint}`,
    `a=setup:${o.setup}`,
    `a=mid:${o.mid}`,
    `a=${o.direction}`,
    'a=rtcp-mux',
    'a=rtcp-rsize',
    `a=rtpmap:${o.payloadType} VP8/90000`,
    `a=rtcp-fb:${o.payloadType} ccm fir`,
    `a=rtcp-fb:${o.payloadType} nack`,
    `a=rtcp-fb:${o.payloadType} nack pli`,
  ];
  if (o.ssrc !== undefined) {
    lines.push(`a=msid:gateway video0`, `a=ssrc:${o.ssrc} cname:gateway`, `a=ssrc:${o.ssrc} msid:gateway video0`);
  }
  for (const c of o.local.candidates) lines.push(`a=${c.sdp}`);
  lines.push('a=end-of-candidates');
  return `${lines.join('\r\n')}\r\n`;
}

export interface RemoteVideoDescription {
  ufrag: string;
  password: string;
  fingerprint: string;
  setup: string;
  mid: string;
  vp8PayloadType: number;
  ssrc?: number;
  candidates: RawCandidate[];
}

/** What the transport needs from a libwebrtc description. */
export function parseRemoteVideo(sdp: string): RemoteVideoDescription {
  const session = sdpTransform.parse(sdp);
  const media = session.media.find((m) => m.type === 'video');
  if (!media) throw new Error('no video m-line');
  const fingerprint = media.fingerprint ?? session.fingerprint;
  const vp8 = media.rtp.find((r) => r.codec.toUpperCase() === 'VP8');
  if (!fingerprint || !vp8 || !media.iceUfrag || !media.icePwd) throw new Error('incomplete description');
  const ssrc = media.ssrcs?.find((s) => s.attribute === 'cname')?.id;
  return {
    // sdp-transform turns an all-digit value (a ufrag such as 4821) into a number.
    ufrag: String(media.iceUfrag),
    password: String(media.icePwd),
    fingerprint: fingerprint.hash,
    setup: media.setup ?? 'actpass',
    mid: String(media.mid ?? '0'),
    vp8PayloadType: vp8.payload,
    ...(ssrc !== undefined && { ssrc: Number(ssrc) }),
    candidates: (media.candidates ?? []).map(fromSdpTransform).filter((c): c is RawCandidate => c !== undefined),
  };
}

/** A UDP candidate from "candidate:..." (with or without "a="); undefined for TCP and junk. */
export const candidateFromSdp = parseCandidateLine;
