import { candidateLine } from './candidateSdp.js';
import type { Candidate } from '../native/NativeTypes.js';
import type { DtlsSetup, LocalDescription, LocalMediaSection } from './SessionDescription.js';

/** Our transport's ICE credentials, DTLS fingerprint and candidates: what every description we write carries. */
export interface LocalTransportParameters {
  readonly ufrag: string;
  readonly password: string;
  readonly fingerprint: string;
  readonly candidates: readonly Candidate[];
}

/** writeSessionDescription for one of our transports: its parameters, the sections, our DTLS setup. */
export function writeLocalDescription(
  local: LocalTransportParameters,
  setup: DtlsSetup,
  sections: readonly LocalMediaSection[],
  sessionId: string,
): string {
  return writeSessionDescription({
    sessionId,
    sessionVersion: 2,
    iceUfrag: local.ufrag,
    icePwd: local.password,
    fingerprint: local.fingerprint,
    setup,
    sections,
    candidates: local.candidates,
  });
}

/**
 * Writes the gateway's offer or answer (RFC 8829 sections 5.2, 5.3): every section BUNDLEd on
 * one transport (RFC 8843) with rtcp-mux and reduced-size RTCP (RFC 5761, RFC 5506), the shared
 * ICE credentials, fingerprint and setup repeated in each section, our candidates in the first
 * one, and per section one codec, its direction and the source we send.
 */
export function writeSessionDescription(d: LocalDescription): string {
  const live = d.sections.filter((s) => !s.rejected);
  const lines = [
    'v=0',
    `o=- ${d.sessionId} ${d.sessionVersion} IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    ...(live.length > 0 ? [`a=group:BUNDLE ${live.map((s) => s.mid).join(' ')}`] : []),
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS',
  ];
  let first = true;
  for (const section of d.sections) {
    lines.push(...sectionLines(d, section, first && !section.rejected));
    if (!section.rejected) first = false;
  }
  return `${lines.join('\r\n')}\r\n`;
}

function sectionLines(d: LocalDescription, s: LocalMediaSection, withCandidates: boolean): string[] {
  if (s.rejected) return [`m=${s.kind} 0 ${s.rejected.protocol} ${s.rejected.formats}`, 'c=IN IP4 0.0.0.0', `a=mid:${s.mid}`];
  const common = [
    `a=ice-ufrag:${d.iceUfrag}`,
    `a=ice-pwd:${d.icePwd}`,
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${d.fingerprint}`,
    `a=setup:${d.setup}`,
    `a=mid:${s.mid}`,
  ];
  if (s.kind === 'application') {
    const lines = ['m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0', ...common, `a=sctp-port:${s.sctpPort ?? 5000}`];
    if (s.maxMessageSize !== undefined) lines.push(`a=max-message-size:${s.maxMessageSize}`);
    if (withCandidates) for (const c of d.candidates) lines.push(`a=${candidateLine(c)}`);
    return lines;
  }
  const codec = s.codec;
  const lines = [
    `m=${s.kind} 9 UDP/TLS/RTP/SAVPF ${codec ? [codec.payloadType, ...(s.rtxPayloadType !== undefined ? [s.rtxPayloadType] : [])].join(' ') : ''}`.trimEnd(),
    'c=IN IP4 0.0.0.0',
    ...(s.bandwidthKbps ? [`b=AS:${s.bandwidthKbps}`, `b=TIAS:${s.bandwidthKbps * 1000}`] : []),
    'a=rtcp:9 IN IP4 0.0.0.0',
    ...common,
    `a=${s.direction}`,
    ...(s.extensions ?? []).map((e) => `a=extmap:${e.id} ${e.uri}`),
  ];
  if (s.source) lines.push(`a=msid:${s.source.streamId} ${s.source.trackId}`);
  lines.push('a=rtcp-mux', 'a=rtcp-rsize');
  if (codec) {
    const channels = codec.channels && codec.channels > 1 ? `/${codec.channels}` : '';
    lines.push(`a=rtpmap:${codec.payloadType} ${codec.encodingName}/${codec.clockRate}${channels}`);
    for (const fb of codec.rtcpFb) lines.push(`a=rtcp-fb:${codec.payloadType} ${fb}`);
    if (codec.fmtp) lines.push(`a=fmtp:${codec.payloadType} ${codec.fmtp}`);
    if (s.rtxPayloadType !== undefined) {
      lines.push(`a=rtpmap:${s.rtxPayloadType} rtx/${codec.clockRate}`, `a=fmtp:${s.rtxPayloadType} apt=${codec.payloadType}`);
    }
  }
  if (s.source) {
    const ssrcs = s.rtxPayloadType !== undefined ? [s.source.ssrc, s.source.rtxSsrc] : [s.source.ssrc];
    if (ssrcs.length > 1) lines.push(`a=ssrc-group:FID ${ssrcs.join(' ')}`);
    for (const ssrc of ssrcs) lines.push(`a=ssrc:${ssrc} cname:${s.source.cname}`, `a=ssrc:${ssrc} msid:${s.source.streamId} ${s.source.trackId}`);
  }
  if (withCandidates) {
    for (const c of d.candidates) lines.push(`a=${candidateLine(c)}`);
  }
  return lines;
}
