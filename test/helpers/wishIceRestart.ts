import type { WrtcPeerConnection } from './wrtcVideo.js';

// What a WHIP or WHEP client does for an ICE restart (RFC 9725 section 4.4) after
// pc.restartIce(): no new offer goes to the server, only a PATCH with the new credentials and
// candidates (If-Match "*"); the 200's fragment carries the server's new credentials, which the
// client writes into its previous answer for setRemoteDescription.

export const SDPFRAG = 'application/trickle-ice-sdpfrag';

export const sdpLines = (sdp: string): string[] => sdp.split(/\r?\n/).filter(Boolean);
/** The value of the first line starting with `prefix`. */
export const sdpValue = (sdp: string, prefix: string): string => sdpLines(sdp).find((l) => l.startsWith(prefix))!.slice(prefix.length);
/** The ports of every UDP candidate libwebrtc gathered (any interface: a check from one shows up as peer-reflexive). */
export const candidatePorts = (sdp: string): number[] => sdpLines(sdp).filter((l) => l.startsWith('a=candidate:') && / udp /i.test(l)).map((l) => Number(l.split(' ')[5]));

/** The client's PATCH body: its new credentials, the first m= section with its mid, its loopback candidates. */
export function restartFragment(offer: string): string {
  const all = sdpLines(offer);
  const candidates = all.filter((l) => l.startsWith('a=candidate:') && / 127\.0\.0\.1 /.test(l) && / udp /i.test(l));
  return [
    `a=ice-ufrag:${sdpValue(offer, 'a=ice-ufrag:')}`,
    `a=ice-pwd:${sdpValue(offer, 'a=ice-pwd:')}`,
    all.find((l) => l.startsWith('m='))!,
    `a=mid:${sdpValue(offer, 'a=mid:')}`,
    ...candidates,
    'a=end-of-candidates',
    '',
  ].join('\r\n');
}

/** The previous answer with the server's new credentials and candidates from the 200's fragment. */
export function restartedAnswer(previous: string, fragment: string): string {
  const candidates = sdpLines(fragment).filter((l) => l.startsWith('a=candidate:'));
  const out: string[] = [];
  for (const l of sdpLines(previous)) {
    if (l.startsWith('a=ice-ufrag:')) out.push(`a=ice-ufrag:${sdpValue(fragment, 'a=ice-ufrag:')}`);
    else if (l.startsWith('a=ice-pwd:')) out.push(`a=ice-pwd:${sdpValue(fragment, 'a=ice-pwd:')}`);
    else if (l.startsWith('a=candidate:')) continue;
    else out.push(l);
    if (l.startsWith('a=mid:')) out.push(...candidates);
  }
  return `${out.join('\r\n')}\r\n`;
}

/** libwebrtc's transport stats: its current local ufrag, ICE state, how often the pair changed, the selected pair's local port. */
export async function clientIce(pc: WrtcPeerConnection): Promise<{ ufrag: string; state: string; pairChanges: number; localPort: number | undefined }> {
  const byId = new Map<string, Record<string, unknown>>();
  (await pc.getStats()).forEach((r: Record<string, unknown>) => byId.set(String(r.id), r));
  const transport = [...byId.values()].find((r) => r.type === 'transport');
  const pair = byId.get(String(transport?.selectedCandidatePairId));
  const local = byId.get(String(pair?.localCandidateId));
  return {
    ufrag: String(transport?.iceLocalUsernameFragment ?? ''),
    state: String(transport?.iceState ?? ''),
    pairChanges: Number(transport?.selectedCandidatePairChanges ?? 0),
    localPort: local?.port === undefined ? undefined : Number(local.port),
  };
}
