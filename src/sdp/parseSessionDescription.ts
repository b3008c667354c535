import sdpTransform from 'sdp-transform';

import type { Candidate } from '../native/NativeTypes.js';
import { candidateFromSdpTransform } from './candidateSdp.js';
import { SdpError } from './SdpError.js';
import type { Direction, DtlsSetup, RemoteDescription, RemoteMediaSection, RtpCodec } from './SessionDescription.js';

type SdpMedia = sdpTransform.SessionDescription['media'][number];

const DIRECTIONS = new Set<Direction>(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const SETUPS = new Set<DtlsSetup>(['actpass', 'active', 'passive']);

/**
 * Reads what the gateway needs from a remote offer or answer: ICE credentials, the DTLS
 * fingerprint and setup (taken from the session or the first section that carries them, as
 * BUNDLE puts all sections on one transport), and each m= section's codecs, direction and SSRCs.
 * Throws SdpError('INVALID_SDP') when WebRTC's required parts are missing (RFC 8829 section 5.8).
 */
export function parseSessionDescription(sdp: string): RemoteDescription {
  let session: sdpTransform.SessionDescription;
  try {
    session = sdpTransform.parse(sdp);
  } catch (error) {
    throw new SdpError('INVALID_SDP', `the description cannot be parsed: ${(error as Error).message}`);
  }
  const media = session.media ?? [];
  if (media.length === 0) throw new SdpError('INVALID_SDP', 'the description has no m= section');
  const sections = media.map(toSection);
  const live = media.filter((m, i) => !sections[i]!.rejected);
  const pick = <T>(read: (m: SdpMedia) => T | undefined, sessionValue: T | undefined): T | undefined =>
    live.map(read).find((v) => v !== undefined) ?? sessionValue;
  // sdp-transform turns attribute values that look like integers into numbers ("0123" -> 123),
  // and an ICE ufrag or password may be all digits: these two are read from the text itself.
  const credentials = iceCredentials(sdp);
  const liveCredentials = credentials.media.filter((_, i) => !sections[i]?.rejected);
  const iceUfrag = liveCredentials.map((c) => c.ufrag).find((v) => v !== undefined) ?? credentials.session.ufrag;
  const icePwd = liveCredentials.map((c) => c.pwd).find((v) => v !== undefined) ?? credentials.session.pwd;
  const fingerprint = pick((m) => m.fingerprint, session.fingerprint);
  const setup = pick((m) => m.setup, (session as { setup?: string }).setup) ?? 'actpass';
  if (!iceUfrag || !icePwd) throw new SdpError('INVALID_SDP', 'the description has no ICE ufrag and password');
  if (!fingerprint) throw new SdpError('INVALID_SDP', 'the description has no DTLS fingerprint');
  if (!SETUPS.has(setup as DtlsSetup)) throw new SdpError('INVALID_SDP', `a=setup:${setup} is not usable`);
  for (const [i, m] of media.entries()) {
    const section = sections[i]!;
    if (!section.rejected && (section.kind === 'video' || section.kind === 'audio') && m.rtcpMux !== 'rtcp-mux') {
      throw new SdpError('INVALID_SDP', `the ${section.kind} section does not use rtcp-mux, which the gateway requires`);
    }
  }
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for (const section of sections) {
    if (section.rejected) continue;
    for (const candidate of section.candidates) {
      const key = `${candidate.ip}:${candidate.port}:${candidate.type}`;
      if (!seen.has(key)) {
        seen.add(key);
        candidates.push(candidate);
      }
    }
  }
  return {
    iceUfrag,
    icePwd,
    fingerprint: { algorithm: fingerprint.type, hash: fingerprint.hash },
    setup: setup as DtlsSetup,
    sections,
    candidates,
  };
}

function toSection(m: SdpMedia, index: number): RemoteMediaSection {
  const kind = m.type === 'video' || m.type === 'audio' || m.type === 'application' ? m.type : 'other';
  const direction = DIRECTIONS.has(m.direction as Direction) ? (m.direction as Direction) : 'sendrecv';
  const codecs: RtpCodec[] = (m.rtp ?? []).map((r) => ({
    payloadType: r.payload,
    encodingName: r.codec,
    clockRate: r.rate ?? 0,
    ...(r.encoding !== undefined && { channels: Number(r.encoding) }),
    ...fmtpOf(m, r.payload),
    rtcpFb: (m.rtcpFb ?? [])
      .filter((f) => String(f.payload) === String(r.payload) || f.payload === '*')
      .map((f) => (f.subtype ? `${f.type} ${f.subtype}` : f.type)),
  }));
  const ssrcs: number[] = [];
  for (const s of m.ssrcs ?? []) {
    const id = Number(s.id);
    if (!ssrcs.includes(id)) ssrcs.push(id);
  }
  const ssrcGroups = (m.ssrcGroups ?? []).map((g) => ({ semantics: g.semantics, ssrcs: g.ssrcs.split(/\s+/).filter(Boolean).map(Number) }));
  const extensions = (m.ext ?? []).map((e) => ({ id: e.value, uri: e.uri }));
  const streamId = streamIdOf(m);
  return {
    index,
    kind,
    mid: m.mid !== undefined ? String(m.mid) : String(index),
    // RFC 8843 section 6: an offerer's bundle-only section has port 0 yet is live (JSEP max-bundle, e.g. webrtcbin's offers).
    rejected: m.port === 0 && (m as { bundleOnly?: string }).bundleOnly === undefined,
    direction,
    codecs,
    ssrcs,
    ssrcGroups,
    ...(streamId !== undefined && { streamId }),
    extensions,
    ...(m.sctpPort !== undefined && { sctpPort: Number(m.sctpPort) }),
    ...(m.maxMessageSize !== undefined && { maxMessageSize: Number(m.maxMessageSize) }),
    protocol: m.protocol,
    formats: String(m.payloads ?? ''),
    candidates: (m.candidates ?? []).map(candidateFromSdpTransform).filter((c): c is Candidate => c !== undefined),
  };
}

/** Longer stream ids than this are ignored: the remote writes them, the REST API shows them. */
const MAX_STREAM_ID_LENGTH = 256;

/**
 * The stream id of a=msid (RFC 8830 section 2), or of the older a=ssrc:<id> msid:; "-" names no
 * stream. sdp-transform parses a=msid only when its ids are word characters and dashes, so
 * Firefox's "{uuid}" ids are read from the lines it left unparsed.
 */
function streamIdOf(m: SdpMedia): string | undefined {
  const id =
    m.msid?.[0]?.id ??
    m.invalid?.find((line) => line.value.startsWith('msid:'))?.value.slice('msid:'.length).split(' ')[0] ??
    m.ssrcs?.find((s) => s.attribute === 'msid')?.value?.split(' ')[0];
  return id && id !== '-' && id.length <= MAX_STREAM_ID_LENGTH ? id : undefined;
}

function fmtpOf(m: SdpMedia, payloadType: number): { fmtp?: string } {
  const line = (m.fmtp ?? []).find((f) => f.payload === payloadType);
  return line ? { fmtp: line.config } : {};
}

interface IceCredentials {
  ufrag?: string;
  pwd?: string;
}

/** a=ice-ufrag and a=ice-pwd (RFC 8839 section 5.4) as written, for the session and each m= section in order. */
function iceCredentials(sdp: string): { session: IceCredentials; media: IceCredentials[] } {
  const session: IceCredentials = {};
  const media: IceCredentials[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) media.push({});
    const target = media.at(-1) ?? session;
    if (line.startsWith('a=ice-ufrag:')) target.ufrag ??= line.slice('a=ice-ufrag:'.length).trim();
    else if (line.startsWith('a=ice-pwd:')) target.pwd ??= line.slice('a=ice-pwd:'.length).trim();
  }
  return { session, media };
}
