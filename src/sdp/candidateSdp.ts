import { isIP } from 'node:net';

import sdpTransform from 'sdp-transform';

import type { Candidate } from '../native/NativeTypes.js';

type SdpCandidate = NonNullable<sdpTransform.MediaAttributes['candidates']>[number];

const isPort = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;

/**
 * A UDP candidate from sdp-transform's form, or undefined for one the gateway cannot use: TCP,
 * RTCP's component 2 (we bundle with rtcp-mux), a hostname such as an mDNS ".local" name (RFC
 * 8839 section 5.1 allows FQDNs; we do not resolve them), or fields out of range.
 */
export function candidateFromSdpTransform(c: SdpCandidate): Candidate | undefined {
  if (String(c.transport).toLowerCase() !== 'udp') return undefined;
  const type = String(c.type);
  if (type !== 'host' && type !== 'srflx' && type !== 'prflx' && type !== 'relay') return undefined;
  const foundation = String(c.foundation);
  const priority = Number(c.priority);
  const port = Number(c.port);
  if (Number(c.component) !== 1 || !isIP(String(c.ip)) || !isPort(port)) return undefined;
  if (foundation.length < 1 || foundation.length > 32) return undefined;
  if (!Number.isInteger(priority) || priority < 1 || priority > 0xffffffff) return undefined;
  // The related address is informational (RFC 8445 section 5.1.3); a browser hiding it sends 0.0.0.0.
  const relatedPort = Number(c.rport);
  const related = c.raddr && isIP(c.raddr) && (isPort(relatedPort) || relatedPort === 0);
  return {
    foundation,
    component: 1,
    priority,
    ip: c.ip,
    port,
    type,
    ...(related && { relatedIp: c.raddr!, relatedPort }),
  };
}

/** A UDP candidate from "candidate:…" (RFC 8839 section 5.1, with or without "a="); undefined otherwise. */
export function parseCandidateLine(line: string): Candidate | undefined {
  if (!/^(a=)?candidate:/.test(line)) return undefined;
  const parsed = sdpTransform.parse(`m=audio 9 RTP/AVP 0\r\na=${line.replace(/^a=/, '')}\r\n`);
  const c = parsed.media[0]?.candidates?.[0];
  return c ? candidateFromSdpTransform(c) : undefined;
}

/** "candidate:…" for one of our candidates. */
export function candidateLine(c: Candidate): string {
  if (c.sdp) return c.sdp.replace(/^a=/, '');
  const related = c.relatedIp ? ` raddr ${c.relatedIp} rport ${c.relatedPort ?? 0}` : '';
  return `candidate:${c.foundation} ${c.component} udp ${c.priority} ${c.ip} ${c.port} typ ${c.type}${related}`;
}
