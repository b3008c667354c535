import type { Candidate } from '../native/NativeTypes.js';
import type { CandidateSection } from './bundleTransport.js';
import { parseCandidateLine } from './candidateSdp.js';
import { SdpError } from './SdpError.js';

/** One a=candidate line of a fragment, with the m= section it belongs to. */
export interface TrickledCandidate {
  /** The line as sent, without "a=". */
  readonly line: string;
  /** Undefined for a candidate the gateway cannot use (TCP, mDNS name, RTCP component): skipped. */
  readonly candidate: Candidate | undefined;
  /** The section's a=mid; a fragment's m= line indexes are its own, so only the mid names a section. */
  readonly section: CandidateSection;
}

/** What an application/trickle-ice-sdpfrag body (RFC 8840 section 9) says. */
export interface TrickleFragment {
  /** a=ice-ufrag / a=ice-pwd, at session level or in the first section that has them. */
  readonly ufrag: string | undefined;
  readonly pwd: string | undefined;
  readonly candidates: readonly TrickledCandidate[];
  /** a=end-of-candidates anywhere (RFC 8840 section 8.2): the remote gathers no more. */
  readonly endOfCandidates: boolean;
}

/**
 * Reads a trickle-ice-sdpfrag (RFC 8840 section 9.2 grammar; RFC 9725 section 4.3.1 sends it in a
 * WHIP PATCH). Lines other than m=, a=mid, ICE credentials, candidates and end-of-candidates are
 * ignored, as RFC 8840 section 9.2 lets a receiver do. Throws SdpError('INVALID_SDP') for text that
 * is no fragment: a line that is not `<letter>=<value>`.
 */
export function parseTrickleFragment(text: string): TrickleFragment {
  let ufrag: string | undefined;
  let pwd: string | undefined;
  let endOfCandidates = false;
  const candidates: TrickledCandidate[] = [];
  let section: { sdpMid?: string } | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (!/^[a-z]=/.test(line)) throw new SdpError('INVALID_SDP', `not an SDP fragment line: ${line.slice(0, 40)}`);
    if (line.startsWith('m=')) {
      section = {};
    } else if (line.startsWith('a=mid:')) {
      if (section) section.sdpMid = line.slice('a=mid:'.length).trim();
    } else if (line.startsWith('a=ice-ufrag:')) {
      ufrag ??= line.slice('a=ice-ufrag:'.length).trim();
    } else if (line.startsWith('a=ice-pwd:')) {
      pwd ??= line.slice('a=ice-pwd:'.length).trim();
    } else if (line === 'a=end-of-candidates') {
      endOfCandidates = true;
    } else if (line.startsWith('a=candidate:')) {
      const value = line.slice(2);
      // The section object is filled by a=mid, which may follow the candidates in the section.
      candidates.push({ line: value, candidate: parseCandidateLine(value), section: section ?? {} });
    }
  }
  return { ufrag, pwd, candidates, endOfCandidates };
}
