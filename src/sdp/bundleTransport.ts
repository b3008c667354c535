import type { Candidate } from '../native/NativeTypes.js';
import type { RemoteDescription } from './SessionDescription.js';

/** The m= section a trickled candidate names (RTCIceCandidateInit sdpMid / sdpMLineIndex). */
export interface CandidateSection {
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
}

/**
 * Whether a remote offerer's candidate is one of its BUNDLE transport, the transport of the
 * tagged m= section `taggedMid`. An initial BUNDLE offer gives every bundled section its own ICE
 * properties (RFC 8843 section 10), and browsers gather a transport per section until the answer
 * arrives, then keep only the tagged one: a candidate of another section's transport leads to a
 * socket that is about to close, and checking it first (same foundation, so the right one stays
 * frozen, RFC 8445 section 6.1.2.6) can cost a call behind a NAT its only working pair.
 * A candidate naming no section is kept.
 */
export function onBundleTransport(section: CandidateSection, taggedMid: string, remote: Pick<RemoteDescription, 'sections'>): boolean {
  if (section.sdpMid !== undefined && section.sdpMid !== null) return section.sdpMid === taggedMid;
  if (section.sdpMLineIndex !== undefined && section.sdpMLineIndex !== null) return remote.sections[section.sdpMLineIndex]?.mid === taggedMid;
  return true;
}

/** The candidates a remote offer lists in its tagged section (the others are of transports it drops). */
export function offerCandidatesOnBundleTransport(remote: RemoteDescription, taggedMid: string): readonly Candidate[] {
  return remote.sections.find((s) => s.mid === taggedMid)?.candidates ?? [];
}
