import type { Candidate } from '../native/NativeTypes.js';
import { candidateLine } from './candidateSdp.js';

/** What our answer to an ICE restart PATCH says (RFC 9725 section 4.4, RFC 8840 section 9). */
export interface IceRestartFragment {
  readonly ufrag: string;
  readonly pwd: string;
  /** The BUNDLE's first m= line of our answer, as written there, and its a=mid. */
  readonly mediaLine: string;
  readonly mid: string;
  readonly candidates: readonly Candidate[];
  /** We gather nothing after the answer: our candidates are all there. */
  readonly endOfCandidates: boolean;
}

/**
 * An application/trickle-ice-sdpfrag body (RFC 8840 section 9.2): our new ICE credentials at
 * session level, then the first bundled m= section with its a=mid and our candidates, as RFC 9725
 * section 4.4 shows the 200 OK to an ICE restart.
 */
export function writeTrickleFragment(f: IceRestartFragment): string {
  const lines = [`a=ice-ufrag:${f.ufrag}`, `a=ice-pwd:${f.pwd}`, f.mediaLine, `a=mid:${f.mid}`];
  for (const c of f.candidates) lines.push(`a=${candidateLine(c)}`);
  if (f.endOfCandidates) lines.push('a=end-of-candidates');
  return `${lines.join('\r\n')}\r\n`;
}
