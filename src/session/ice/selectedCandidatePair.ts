import type { Candidate } from '../../native/NativeTypes.js';

/** One side of the pair ICE chose, as the status shows it (media and data alike). */
export interface CandidateSummary {
  /** RFC 8445 section 5.1.1: host, srflx, prflx or relay. */
  readonly type: string;
  /** Between this side and the other (udp, or tcp for ICE-TCP); a relay's leg to its TURN server is relay_protocol. */
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
  /** A local relay candidate: the TURN server it was allocated on (media: always; data: when libwebrtc says, RTCIceCandidateStats.url). */
  readonly url?: string;
  /** A local relay candidate: how the gateway reaches its TURN server (udp, tcp or tls). */
  readonly relay_protocol?: string;
}

/** `selected_candidate_pair` of a connection's status; null while ICE has selected none. */
export interface SelectedCandidatePair {
  readonly local: CandidateSummary;
  readonly remote: CandidateSummary;
}

/** From the native transport's stats (MediaConnections). */
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

type Stats = Record<string, unknown>;

/**
 * From libwebrtc's getStats() (DataConnections): the transport's selectedCandidatePairId (W3C
 * webrtc-stats RTCTransportStats), else a nominated pair that succeeded, and its two candidates.
 */
export function pairFromRtcStats(report: { values(): Iterable<Stats> }): SelectedCandidatePair | null {
  const byId = new Map<string, Stats>();
  for (const s of report.values()) if (typeof s['id'] === 'string') byId.set(s['id'], s);
  const stats = [...byId.values()];
  const selectedId = stats.find((s) => s['type'] === 'transport' && typeof s['selectedCandidatePairId'] === 'string')?.['selectedCandidatePairId'];
  const pair =
    (typeof selectedId === 'string' ? byId.get(selectedId) : undefined) ??
    stats.find((s) => s['type'] === 'candidate-pair' && s['nominated'] === true && s['state'] === 'succeeded');
  if (!pair) return null;
  const local = byId.get(String(pair['localCandidateId']));
  const remote = byId.get(String(pair['remoteCandidateId']));
  if (!local || !remote) return null;
  return { local: candidateFromStats(local), remote: candidateFromStats(remote) };
}

function candidateFromStats(s: Stats): CandidateSummary {
  const text = (key: string): string | undefined => (typeof s[key] === 'string' && s[key] !== '' ? (s[key] as string) : undefined);
  const url = text('url');
  const relayProtocol = text('relayProtocol');
  return {
    type: text('candidateType') ?? 'unknown',
    protocol: text('protocol') ?? 'udp',
    address: text('address') ?? text('ip') ?? '',
    port: typeof s['port'] === 'number' ? s['port'] : 0,
    ...(url !== undefined && { url }),
    ...(relayProtocol !== undefined && { relay_protocol: relayProtocol }),
  };
}
