import sdpTransform from 'sdp-transform';

import type { RawCandidate } from '../native/addon.js';

type SdpCandidate = NonNullable<sdpTransform.MediaAttributes['candidates']>[number];

/** A UDP candidate from sdp-transform's form; undefined for TCP ones, which the gateway cannot use. */
export function candidateFromSdpTransform(c: SdpCandidate): RawCandidate | undefined {
  if (String(c.transport).toLowerCase() !== 'udp') return undefined;
  const type = String(c.type);
  if (type !== 'host' && type !== 'srflx' && type !== 'prflx' && type !== 'relay') return undefined;
  return {
    foundation: String(c.foundation),
    component: Number(c.component),
    priority: Number(c.priority),
    ip: c.ip,
    port: Number(c.port),
    type,
    ...(c.raddr && c.rport !== undefined && { relatedIp: c.raddr, relatedPort: Number(c.rport) }),
  };
}

/** A UDP candidate from "candidate:…" (RFC 8839 section 5.1, with or without "a="); undefined otherwise. */
export function parseCandidateLine(line: string): RawCandidate | undefined {
  if (!/^(a=)?candidate:/.test(line)) return undefined;
  const parsed = sdpTransform.parse(`m=audio 9 RTP/AVP 0\r\na=${line.replace(/^a=/, '')}\r\n`);
  const c = parsed.media[0]?.candidates?.[0];
  return c ? candidateFromSdpTransform(c) : undefined;
}

/** "candidate:…" for one of our candidates. */
export function candidateLine(c: RawCandidate): string {
  if (c.sdp) return c.sdp.replace(/^a=/, '');
  const related = c.relatedIp ? ` raddr ${c.relatedIp} rport ${c.relatedPort ?? 0}` : '';
  return `candidate:${c.foundation} ${c.component} udp ${c.priority} ${c.ip} ${c.port} typ ${c.type}${related}`;
}
