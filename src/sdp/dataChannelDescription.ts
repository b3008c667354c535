import { parseSessionDescription } from './parseSessionDescription.js';
import { SdpError } from './SdpError.js';
import type { DtlsSetup, LocalMediaSection, RemoteDescription, RemoteMediaSection } from './SessionDescription.js';
import { writeLocalDescription, type LocalTransportParameters } from './writeSessionDescription.js';

/** RFC 8841 section 6.1: a remote that states no a=max-message-size accepts 64 KiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 65536;

/**
 * The largest message the gateway's SCTP association accepts (native/core/sctp
 * SctpAssociation's maxMessageSize), what our a=max-message-size announces: libwebrtc's value.
 */
export const LOCAL_MAX_MESSAGE_SIZE = 262144;

/** The SCTP port of both ends: the native association always uses 5000 (RFC 8841 section 5 allows others). */
export const SCTP_PORT = 5000;

/** The m= line protocols of a DataChannel section: RFC 8841 section 4.1's, and the older token some stacks still send. */
const DATA_PROTOCOLS = new Set(['UDP/DTLS/SCTP', 'DTLS/SCTP']);

/** What a remote offer or answer says about its DataChannel transport. */
export interface RemoteDataDescription {
  /** ICE credentials, fingerprint, setup and candidates (of the data section's transport only). */
  readonly remote: RemoteDescription;
  /** The data section: its mid, and its index among the m= lines. */
  readonly mid: string;
  readonly index: number;
  readonly sctpPort: number;
  /** The largest message the remote accepts in bytes; 0: no limit (RFC 8841 section 6). */
  readonly maxMessageSize: number;
}

/**
 * Reads the remote's DataChannel section (RFC 8841): its transport's ICE/DTLS parameters,
 * SCTP port and a=max-message-size (absent: 65536; 0: no limit, section 6.1). Throws
 * SdpError('INVALID_SDP') when there is no usable one.
 */
export function parseDataDescription(sdp: string): RemoteDataDescription {
  const remote = parseSessionDescription(sdp);
  const section = remote.sections.find((s) => s.kind === 'application' && !s.rejected && isDataChannelSection(s));
  if (!section) throw new SdpError('INVALID_SDP', 'the description has no DataChannel (m=application UDP/DTLS/SCTP webrtc-datachannel) section');
  const sctpPort = section.sctpPort ?? sctpmapPort(sdp, section.index) ?? SCTP_PORT;
  if (sctpPort !== SCTP_PORT) {
    throw new SdpError('INVALID_SDP', `a=sctp-port:${sctpPort} is not supported (the gateway's SCTP association uses port ${SCTP_PORT})`);
  }
  // A BUNDLE offer gives each section its own candidates (RFC 8843 section 10): only the data section's count.
  return {
    remote: { ...remote, candidates: section.candidates },
    mid: section.mid,
    index: section.index,
    sctpPort,
    maxMessageSize: section.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
  };
}

/** Our offer: one DataChannel section, as a browser's (RFC 8829 section 5.2.1, RFC 8841). */
export function writeDataOffer(local: LocalTransportParameters, sessionId: string): string {
  return writeLocalDescription(local, 'actpass', [dataSection('0')], sessionId);
}

/**
 * Our answer to `offer`: its DataChannel section accepted under its mid with our `setup`
 * (RFC 5763 section 5: active or passive), every other m= line rejected (RFC 8829 section
 * 5.3.1: port 0), BUNDLE naming the data section alone.
 */
export function writeDataAnswer(offer: RemoteDataDescription, setup: Exclude<DtlsSetup, 'actpass'>, local: LocalTransportParameters, sessionId: string): string {
  const sections: LocalMediaSection[] = offer.remote.sections.map((s) =>
    s.index === offer.index ? dataSection(s.mid) : { mid: s.mid, kind: s.kind, direction: 'inactive', rejected: { protocol: s.protocol, formats: s.formats } },
  );
  return writeLocalDescription(local, setup, sections, sessionId);
}

function dataSection(mid: string): LocalMediaSection {
  return { mid, kind: 'application', direction: 'sendrecv', sctpPort: SCTP_PORT, maxMessageSize: LOCAL_MAX_MESSAGE_SIZE };
}

function isDataChannelSection(s: RemoteMediaSection): boolean {
  return DATA_PROTOCOLS.has(s.protocol) && (s.formats === 'webrtc-datachannel' || s.formats === String(SCTP_PORT));
}

/** The SCTP port of the pre-RFC "a=sctpmap:5000 webrtc-datachannel" form (m= format 5000), if section `index` has one. */
function sctpmapPort(sdp: string, index: number): number | undefined {
  const section = sdp.split(/\r?\n(?=m=)/)[index + 1] ?? '';
  const match = /^a=sctpmap:(\d+) webrtc-datachannel/m.exec(section);
  return match ? Number(match[1]) : undefined;
}
