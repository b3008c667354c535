import type { WrtcPeerConnection } from './wrtcVideo.js';

/**
 * What a plain WHIP or WHEP client does before its POST (RFC 9725 section 4.2): createOffer,
 * setLocalDescription, wait for gathering (at most 5 s). Only loopback candidates are kept, so
 * the test's traffic never leaves lo.
 */
export async function gatheredLoopbackOffer(pc: WrtcPeerConnection): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  const deadline = Date.now() + 5000;
  while (pc.iceGatheringState !== 'complete' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return pc.localDescription!.sdp.split('\r\n').filter((l) => !l.startsWith('a=candidate:') || / 127\.0\.0\.1 /.test(l)).join('\r\n');
}

/**
 * A one-section offer as a browser writes one (RFC 8829), without candidates (a client that
 * trickles them), with what WebRTC requires: BUNDLE, ICE credentials, a fingerprint, actpass,
 * rtcp-mux; VP8 (96, NACK and PLI) or Opus (111).
 */
export function oneSectionOffer(kind: 'video' | 'audio', direction: 'recvonly' | 'sendonly' | 'sendrecv', ufrag = 'abcd', pwd = 'abcdefghijklmnopqrstuvwx'): string {
  const [pt, rtpmap] = kind === 'video' ? [96, 'VP8/90000'] : [111, 'opus/48000/2'];
  return [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    `m=${kind} 9 UDP/TLS/RTP/SAVPF ${pt}`,
    'c=IN IP4 0.0.0.0',
    'a=mid:0',
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:${pwd}`,
    `a=fingerprint:sha-256 ${Array(32).fill('AB').join(':')}`,
    'a=setup:actpass',
    `a=${direction}`,
    'a=rtcp-mux',
    `a=rtpmap:${pt} ${rtpmap}`,
    ...(kind === 'video' ? [`a=rtcp-fb:${pt} nack`, `a=rtcp-fb:${pt} nack pli`] : []),
    ...(direction !== 'recvonly' ? ['a=ssrc:1234 cname:x'] : []),
    '',
  ].join('\r\n');
}

/** An Opus-only sendonly offer: what a WHIP publisher of audio sends. */
export const opusSendonlyOffer = (ufrag?: string, pwd?: string): string => oneSectionOffer('audio', 'sendonly', ufrag, pwd);
