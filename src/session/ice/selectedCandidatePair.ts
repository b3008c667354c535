import type { Candidate } from '../../native/NativeTypes.js';

/** One side of the pair ICE chose, as the status shows it (media and data alike). */
export interface CandidateSummary {
  /** RFC 8445 section 5.1.1: host, srflx, prflx or relay. */
  readonly type: string;
  /** Between this side and the other (udp, or tcp for ICE-TCP); a relay's leg to its TURN server is relay_protocol. */
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
  /** A local relay candidate: the TURN server it was allocated on. */
  readonly url?: string;
  /** A local relay candidate: how the gateway reaches its TURN server (udp, tcp or tls). */
  readonly relay_protocol?: string;
}

/** `selected_candidate_pair` of a connection's status: the path data takes; null while ICE has none. */
export interface SelectedCandidatePair {
  readonly local: CandidateSummary;
  readonly remote: CandidateSummary;
}

/** From the native transport's stats. */
export function pairFromNative(local: Candidate | undefined, remote: Candidate | undefined): SelectedCandidatePair | null {
  if (!local || !remote) return null;
  const side = (c: Candidate): CandidateSummary => ({
    type: c.type,
    protocol: c.protocol ?? 'udp',
    address: c.ip,
    port: c.port,
    ...(c.url !== undefined && { url: c.url, relay_protocol: relayProtocolOf(c.url) }),
  });
  return { local: side(local), remote: side(remote) };
}

/** How a relay's TURN server is reached, from the URL the gateway was configured with (RFC 7065). */
function relayProtocolOf(url: string): string {
  if (url.startsWith('turns:')) return 'tls';
  return /[?&]transport=tcp\b/.test(url) ? 'tcp' : 'udp';
}
